import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { Officer } from '../../shared/officers/model.ts';
import type { OfficerAuthenticator } from '../adapters/officer-auth.ts';

/** The Lambda context of an officer route: `officer` is set once requireOfficer has run. */
export type OfficerContext = Context & { officer: Officer };

/**
 * Lets only signed-in officers through: in `before`, checks the `authorization` header and puts
 * the Officer on `request.context.officer`; otherwise throws UnauthorizedError, which
 * httpErrorResponses turns into a 401 JSON answer (`missing_token` or `invalid_token`).
 *
 * Type the handler with OfficerContext so the handler and later middlewares read the officer:
 *
 *   export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2, Error, OfficerContext>(
 *     async (event, context) => queueFor(context.officer, ...))
 *     .use(injectLambdaContext(logger))
 *     .use(logMetrics(metrics))
 *     .use(httpErrorHandler({ logger: false }))
 *     .use(httpErrorResponses(logger, metrics))
 *     .use(requireOfficer(authenticator));
 *
 * Add it after the error middlewares: `before` runs in the order of use, so the officer is known
 * before any later middleware reads the body, and a refusal still reaches every onError.
 */
export function requireOfficer(authenticator: OfficerAuthenticator): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2, Error, OfficerContext> {
  return {
    before: async (request) => {
      // API Gateway HTTP APIs (payload v2) lower-case header names.
      request.context.officer = await authenticator.authenticate(request.event.headers?.authorization);
    },
  };
}
