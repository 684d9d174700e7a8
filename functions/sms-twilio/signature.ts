import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import twilioWebhooks from 'twilio/lib/webhooks/webhooks.js';
import { header } from '../http/request.ts';

/**
 * The URL exactly as Twilio called it, which its signature covers: scheme and host as the
 * client saw them (API Gateway sets X-Forwarded-Proto), path and query string.
 */
export function publicUrl(event: APIGatewayProxyEventV2): string {
  const scheme = header(event, 'x-forwarded-proto') ?? 'https';
  const host = header(event, 'host') ?? event.requestContext.domainName;
  return `${scheme}://${host}${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`;
}

/** Whether X-Twilio-Signature matches this request, checked by Twilio's own library. */
export function isSignedByTwilio(authToken: string, event: APIGatewayProxyEventV2, fields: URLSearchParams): boolean {
  const signature = header(event, 'x-twilio-signature');
  return signature !== undefined && twilioWebhooks.validateRequest(authToken, signature, publicUrl(event), Object.fromEntries(fields));
}
