import type { MiddlewareObj } from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { DomainError, TooManyRequestsError, ValidationError } from '../../shared/errors.ts';
import type { FieldIssue } from '../../shared/errors.ts';
import { describeFieldReason, type Language } from '../../shared/i18n.ts';
import { errorMessages } from '../../shared/messages.ts';
import { invalidSubmissionPage, messagePage } from './pages.ts';
import { requestLanguage, wantsHtml } from './request.ts';
import { isDependencyUnavailable, unavailableRetryAfterSeconds } from './unavailable.ts';

/** The shape middy's http-error-handler renders: it exposes the message only when `expose` is set. */
interface HttpErrorLike {
  statusCode: number;
  expose: boolean;
  message: string;
  headers: Record<string, string>;
}

const jsonHeaders = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' };
const htmlHeaders = { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' };

/** The body of a domain error: a stable code, a message, and for validation the fields and reasons. */
/** Renders a refused form post as the form again, with what was typed and why it was refused. */
export type InvalidFormPage = (language: Language, issues: readonly FieldIssue[], event: APIGatewayProxyEventV2) => string;

function describeDomainError(error: DomainError, event: APIGatewayProxyEventV2, pages: boolean, invalidPage: InvalidFormPage | undefined): HttpErrorLike {
  const language = requestLanguage(event);
  const html = pages && wantsHtml(event);
  if (html) {
    const page =
      error instanceof ValidationError
        ? (invalidPage ?? ((lang, issues) => invalidSubmissionPage(lang, issues)))(language, error.issues, event)
        : messagePage(language, error.statusCode === 404 ? 'notFound' : 'badRequest', error.text[language]);
    return { statusCode: error.statusCode, expose: true, message: page, headers: htmlHeaders };
  }
  const body =
    error instanceof ValidationError
      ? {
          error: error.code,
          message: error.text[language],
          issues: error.issues.map((issue) => ({
            field: issue.field,
            reason: issue.reason,
            message: describeFieldReason(issue.reason, language, issue.limit, issue.subject),
            ...(issue.subject !== undefined && { file: issue.subject }),
          })),
        }
      : { error: error.code, message: error.text[language], ...(error.details && { details: error.details }) };
  const retryAfter: Record<string, string> = error instanceof TooManyRequestsError ? { 'Retry-After': String(error.retryAfterSeconds) } : {};
  return { statusCode: error.statusCode, expose: true, message: JSON.stringify(body), headers: { ...jsonHeaders, ...retryAfter } };
}

/** The two answers that say nothing of their cause: a dependency down (503), and anything else (500). */
const opaqueAnswers = {
  unavailable: { statusCode: 503, code: 'unavailable', page: 'unavailable', text: 'unavailable', logMessage: 'Service unavailable', retryAfterSeconds: unavailableRetryAfterSeconds },
  internal: { statusCode: 500, code: 'internal_error', page: 'serverError', text: 'internalError', logMessage: 'Internal error', retryAfterSeconds: undefined },
} as const;

/** An opaque answer as a page (the 500 page shows the correlation id) or JSON with the correlation id. */
function renderOpaque(answer: (typeof opaqueAnswers)[keyof typeof opaqueAnswers], event: APIGatewayProxyEventV2, pages: boolean, correlationId: string): HttpErrorLike {
  const language = requestLanguage(event);
  const text = errorMessages[answer.text][language];
  const retryAfter: Record<string, string> = answer.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(answer.retryAfterSeconds) };
  if (pages && wantsHtml(event)) {
    // The 500 page says the tip was not recorded and gives the id to quote; the 503 page says to try again.
    const detail = answer.page === 'serverError' ? correlationId : text;
    return { statusCode: answer.statusCode, expose: true, message: messagePage(language, answer.page, detail), headers: { ...htmlHeaders, ...retryAfter } };
  }
  return { statusCode: answer.statusCode, expose: true, message: JSON.stringify({ error: answer.code, message: text, correlationId }), headers: { ...jsonHeaders, ...retryAfter } };
}

/**
 * The one place errors become HTTP answers. Domain errors become their 4xx with a safe,
 * translated message; anything else is logged and becomes an opaque 500 that carries only a
 * correlation id. Used together with middy's http-error-handler, which renders the result.
 */
export function httpErrorResponses(
  logger: Logger,
  metrics: Metrics,
  options: {
    /** Answer browser form posts with pages; machine callers (SMS providers) always get JSON. */
    readonly pages?: boolean;
    /** The form page a refused form post gets back; a list of the reasons by default. */
    readonly invalidPage?: InvalidFormPage;
  } = {},
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2, Error, Context> {
  const pages = options.pages ?? true;
  return {
    onError: (request) => {
      const { error, event, context } = request;
      if (error instanceof DomainError) {
        logger.info('request refused', { statusCode: error.statusCode, errorCode: error.code });
        metrics.addMetric('RequestsRefused', MetricUnit.Count, 1);
        request.error = Object.assign(new Error(error.message), describeDomainError(error, event, pages, options.invalidPage));
        return;
      }
      const correlationId = event.requestContext?.requestId ?? context.awsRequestId;
      const unavailable = isDependencyUnavailable(error);
      if (unavailable) {
        // A dependency that is down or stalled: nothing was accepted, and the caller may try again.
        logger.warn('dependency unavailable', { correlationId, errorName: error?.name });
        metrics.addMetric('RequestsUnavailable', MetricUnit.Count, 1);
      } else {
        // Only the error's class and stack: SDK messages never carry tip text, but be strict anyway.
        logger.error('unhandled error', { correlationId, errorName: error?.name, stack: error?.stack });
        metrics.addMetric('RequestsFailed', MetricUnit.Count, 1);
      }
      const answer = unavailable ? opaqueAnswers.unavailable : opaqueAnswers.internal;
      request.error = Object.assign(new Error(answer.logMessage), renderOpaque(answer, event, pages, correlationId));
    },
  };
}
