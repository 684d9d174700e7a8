import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import { securityHeaders } from '../http/security-headers.ts';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import type { FieldIssue } from '../../shared/errors.ts';
import type { Language } from '../../shared/i18n.ts';
import { systemClock } from '../../shared/ports.ts';
import { parseOrThrow, webSubmissionFromFormFields, webSubmissionSchema } from '../../shared/tip/submission.ts';
import { createSecretHasher } from '../../shared/tip/tracking-code.ts';
import { submitTipOnce } from '../../shared/usecases/submit-tip.ts';
import type { UploadSigner } from '../../shared/attachments/ports.ts';
import { createDynamoAttachmentStore } from '../adapters/dynamo-attachment-store.ts';
import { createDynamoSubmissionLedger } from '../adapters/dynamo-submission-ledger.ts';
import { evidenceUploadOrigin } from '../adapters/evidence-origin.ts';
import { createDocumentClient } from '../adapters/dynamo-tip-items.ts';
import { createDynamoTrackingCodeStore } from '../adapters/dynamo-tip-store.ts';
import { commonEnvironment, pepperEnvironment, readEnvironment } from '../adapters/environment.ts';
import { keyFromPepper, loadTrackingPepper } from '../adapters/pepper.ts';
import { dynamoDbClient, logger, metrics, ulidGenerator } from '../adapters/runtime.ts';
import { sqsClient } from '../adapters/sqs-client.ts';
import { createSealer } from '../adapters/sealer.ts';
import { createSqsTipQueue } from '../adapters/sqs-tip-queue.ts';
import { httpErrorResponses } from '../http/errors.ts';
import { receiptGonePage, receiptPath, tipFormPage, tipReceiptPage, tipReceiptText, type FormValues } from '../http/pages.ts';
import { receiptCookie, receiptFromCookie } from '../http/receipt-cookie.ts';
import { readBody, requestLanguage, wantsHtml } from '../http/request.ts';
import { htmlResponse, jsonResponse, redirectResponse, textResponse } from '../http/responses.ts';

const environment = readEnvironment({ ...commonEnvironment, ...pepperEnvironment, INTAKE_QUEUE_URL: z.url(), EVIDENCE_BUCKET_NAME: z.string().min(1) });
const pepper = await loadTrackingPepper(environment);
const documents = createDocumentClient(dynamoDbClient);
const receipts = createSealer(keyFromPepper(pepper, 'receipt cookie v1'), 'tinbao-receipt');

/**
 * The S3 client and the presigner load on the first tip with files, not at cold start: most
 * tips carry none, and every kilobyte a cold start loads is paid on a citizen's request.
 */
let signerLoading: Promise<UploadSigner> | undefined;
const uploadSigner: UploadSigner = {
  async presign(slot) {
    signerLoading ??= Promise.all([import('../adapters/s3-upload-signer.ts'), import('../adapters/s3-client.ts')]).then(([signer, client]) =>
      signer.createS3UploadSigner(client.s3Client, environment.EVIDENCE_BUCKET_NAME),
    );
    return (await signerLoading).presign(slot);
  },
};

const dependencies = {
  attachments: { store: createDynamoAttachmentStore(documents, environment.TABLE_NAME), signer: uploadSigner },
  queue: createSqsTipQueue(sqsClient, environment.INTAKE_QUEUE_URL),
  codes: createDynamoTrackingCodeStore(documents, environment.TABLE_NAME),
  ledger: createDynamoSubmissionLedger(documents, environment.TABLE_NAME, pepper),
  hasher: createSecretHasher(pepper),
  clock: systemClock,
  ids: ulidGenerator,
  retentionDays: environment.TIP_RETENTION_DAYS,
};

/** The home page of a language: where the form lives. */
const home = (language: Language): string => (language === 'en' ? '/en/' : '/');

/**
 * POST /tips: validates a citizen's tip, queues it, and hands back its tracking code and secret.
 * A form post is answered 303 See Other to the receipt page (post/redirect/get), so reloading the
 * receipt never sends the tip again; the form's one-time token makes a resend the same tip.
 */
async function acceptTip(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const body = readBody(event, { accept: ['json', 'form'] });
  const input = body.format === 'form' ? webSubmissionFromFormFields(body.fields) : body.data;
  const submission = parseOrThrow(webSubmissionSchema(environment.JURISDICTION_PACK), input);
  const accepted = await submitTipOnce(submission, dependencies);
  logger.info('tip accepted', { tipId: accepted.tipId, format: body.format, attachments: accepted.uploads?.length ?? 0 });
  metrics.addMetric('TipsAccepted', MetricUnit.Count, 1);
  if (body.format === 'form' && wantsHtml(event)) {
    return redirectResponse(`${receiptPath}?lang=${submission.language}`, [receiptCookie(receipts, accepted, systemClock.now(), event)]);
  }
  return jsonResponse(202, {
    trackingCode: accepted.trackingCode,
    secret: accepted.secret,
    receivedAt: accepted.receivedAt,
    statusUrl: '/tips/status',
    ...(accepted.uploads && { uploads: accepted.uploads }),
  });
}

/** GET /tips/receipt: the receipt a form post was redirected to, as a page or (`format=text`) a file to save. */
function showReceipt(event: APIGatewayProxyEventV2): APIGatewayProxyStructuredResultV2 {
  const language = requestLanguage(event);
  const receipt = receiptFromCookie(receipts, event, systemClock.now());
  if (!receipt) return htmlResponse(200, receiptGonePage(language));
  if (event.queryStringParameters?.format === 'text') {
    return textResponse(tipReceiptText(language, receipt), `${receipt.trackingCode}.txt`);
  }
  return htmlResponse(200, tipReceiptPage(language, receipt));
}

async function intake(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  if (event.routeKey === `GET ${receiptPath}`) return showReceipt(event);
  // The form's own URL opened directly (a bookmark, a reload of an old answer): the form.
  if (event.routeKey === 'GET /tips') return redirectResponse(home(requestLanguage(event)));
  return acceptTip(event);
}

/** The fields the citizen typed, to put back into the form when it is refused. */
function typedValues(event: APIGatewayProxyEventV2): FormValues {
  try {
    const body = readBody(event, { accept: ['form'] });
    if (body.format !== 'form') return {};
    const fields = ['text', 'unit', 'category', 'lat', 'lon', 'contact', 'contactOptIn', 'formToken'] as const;
    return Object.fromEntries(fields.flatMap((name) => (body.fields.get(name) === null ? [] : [[name, body.fields.get(name) as string]])));
  } catch {
    return {};
  }
}

/** The Lambda entry point. */
export const handler = middy(intake)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  // Before the error handler, so that error answers get the same headers as the others.
  .use(securityHeaders({ uploadOrigins: [evidenceUploadOrigin(environment.EVIDENCE_BUCKET_NAME)] }))
  .use(httpErrorHandler({ logger: false }))
  .use(
    httpErrorResponses(logger, metrics, {
      invalidPage: (language: Language, issues: readonly FieldIssue[], event: APIGatewayProxyEventV2) =>
        tipFormPage(language, environment.JURISDICTION_PACK, { values: typedValues(event), issues }),
    }),
  );
