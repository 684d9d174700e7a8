import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { apiRoutes, type FunctionName } from '../definitions.ts';
import type { TinbaoFunction } from './tinbao-function.ts';

/**
 * Throttling of the public API's default stage, per route. Far above the city's real tip volume
 * (a handful per minute) and low enough that a flood cannot run up the Lambda and KMS bills.
 * It is shared by every caller; the per-client limit is the web ACL's rate-based rule (edge-firewall.ts).
 */
export const apiThrottle = { rateLimit: 20, burstLimit: 40 } as const satisfies apigwv2.ThrottleSettings;

/** The routes called by SMS providers, not browsers: they stay on the API's own URL, the one the providers sign. */
export const webhookFunctionNames = ['smsGateway', 'smsTwilio'] as const satisfies readonly FunctionName[];

/** The routes browsers call: every route but the SMS providers' webhooks. */
export const browserRoutes = apiRoutes.filter((route) => !(webhookFunctionNames as readonly FunctionName[]).includes(route.function));

/**
 * The CloudFront path patterns that reach the API: the first segment of every browser route
 * (`/tips`, `/tips/*`, `/queue`, `/queue/*`), so the pages, their forms and the console call the
 * API on their own origin, as in the local stack. No file under web/ may live under them.
 */
export const apiPathPatterns: readonly string[] = [
  ...new Set(
    browserRoutes.flatMap((route) => {
      const first = `/${route.path.split('/')[1] ?? ''}`;
      return [first, `${first}/*`];
    }),
  ),
];

/**
 * Access log fields. Deliberately no source IP, user agent or caller identity: the log must not
 * be able to identify a tipster, and it is kept for months.
 */
const accessLogFormat = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationStatus: '$context.integrationStatus',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    error: '$context.error.message',
  }),
);

/** Why the public, anonymous routes have no authorizer. */
const anonymousByDesign =
  'Tip intake and tip status are public and anonymous by design: tipsters have no accounts, and any identity ' +
  'would undermine anonymity. Status checks and tipster messages are authorised in the handler by tracking code plus ' +
  'secret; abuse is limited by stage throttling, the request body limit, a per-code message limit and, for browsers ' +
  "(through CloudFront), the web ACL's per-client rate-based rule.";

/**
 * Why each route without `auth: 'officer'` has no API Gateway authorizer (cdk-nag AwsSolutions-APIG4).
 * A new public route needs an entry here, so deciding how it is authenticated cannot be skipped.
 */
const routeAuthentication: Partial<Record<FunctionName, string>> = {
  intake: anonymousByDesign,
  status: anonymousByDesign,
  smsGateway:
    'The SMS gateway webhook is called by the gateway, not by a user, and HTTP API authorizers cannot verify a body ' +
    'signature: the handler authenticates every request by its HMAC signature over the body, keyed with the gateway ' +
    'secret from Secrets Manager, and refuses unsigned or stale requests.',
  smsTwilio:
    'The Twilio webhook is called by Twilio, not by a user, and HTTP API authorizers cannot verify a body signature: ' +
    "the handler authenticates every request by its X-Twilio-Signature (HMAC of URL and form fields with the account's " +
    'auth token from Secrets Manager) and refuses requests that do not verify.',
};

const pascalCase = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

export interface TinbaoHttpApi {
  readonly httpApi: apigwv2.HttpApi;
  /** `$default`, auto-deployed, throttled, with access logs that cannot name a tipster. */
  readonly stage: apigwv2.HttpStage;
}

/**
 * The HTTP API and its default stage, made in `scope` (the stateless stack) under the construct
 * ids they have always had: a new id would replace the API and change the URL the SMS providers
 * call. Its routes are added by `addApiRoutes` once the functions exist.
 */
export function createHttpApi(scope: Construct, props: { readonly stage: string }): TinbaoHttpApi {
  const accessLogs = new logs.LogGroup(scope, 'ApiAccessLogs', {
    retention: logs.RetentionDays.THREE_MONTHS,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const httpApi = new apigwv2.HttpApi(scope, 'HttpApi', {
    apiName: `tinbao-${props.stage}`,
    description: `tinbao ${props.stage}: public tip intake and tip status, the signed SMS provider webhooks, and the officers' API`,
    // The default stage is made below, with access logging and throttling.
    createDefaultStage: false,
  });
  const stage = new apigwv2.HttpStage(scope, 'DefaultStage', {
    httpApi,
    stageName: '$default',
    autoDeploy: true,
    throttle: apiThrottle,
    accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(accessLogs), format: accessLogFormat },
  });
  return { httpApi, stage };
}

/**
 * API Gateway checks officers' access tokens (signature, issuer, expiry, client) before the
 * function runs; the function checks them again and authorises each action by the groups.
 */
export function officerAuthorizer(issuer: string, clientId: string): HttpJwtAuthorizer {
  return new HttpJwtAuthorizer('OfficerAuthorizer', issuer, {
    authorizerName: 'officers',
    identitySource: ['$request.header.Authorization'],
    // Access tokens have no aud: API Gateway then compares their client_id with this list.
    jwtAudience: [clientId],
  });
}

/**
 * Adds every route of `apiRoutes` to the API, each to its function through one Lambda proxy
 * integration per function: the officers' routes behind the JWT authorizer, the others with the
 * reason they have none acknowledged on the route itself.
 */
export function addApiRoutes(
  httpApi: apigwv2.HttpApi,
  props: { readonly functions: Readonly<Record<FunctionName, TinbaoFunction>>; readonly authorizer: HttpJwtAuthorizer },
): void {
  const integrations = new Map<FunctionName, HttpLambdaIntegration>();
  for (const route of apiRoutes) {
    const integration =
      integrations.get(route.function) ?? new HttpLambdaIntegration(`${pascalCase(route.function)}Integration`, props.functions[route.function].function);
    integrations.set(route.function, integration);
    const methods = [apigwv2.HttpMethod[route.method]];
    if (route.auth === 'officer') {
      httpApi.addRoutes({ path: route.path, methods, integration, authorizer: props.authorizer });
      continue;
    }
    const reason = routeAuthentication[route.function];
    if (!reason) throw new Error(`Route ${route.method} ${route.path} (${route.function}) has no authentication decision in routeAuthentication`);
    for (const httpRoute of httpApi.addRoutes({ path: route.path, methods, integration })) {
      Validations.of(httpRoute).acknowledge({ id: 'AwsSolutions-APIG4', reason });
    }
  }
}
