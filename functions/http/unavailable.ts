/**
 * Tells a dependency that is down or stalled (DynamoDB, SQS, KMS, Secrets Manager, Cognito…)
 * from a bug: such a failure is answered 503 with Retry-After, so the caller (a citizen's
 * browser, an SMS provider) tries again, while a bug stays an opaque 500.
 */

/** How long a caller should wait before trying again after a 503, in seconds. */
export const unavailableRetryAfterSeconds = 5;

/** Error names of the AWS SDK, Node and middy for a dependency that did not answer in time or refused for load. */
const unavailableNames = new Set([
  'TimeoutError',
  'AbortError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ThrottlingException',
  'Throttling',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'InternalServerError',
  'InternalFailure',
  'InternalError',
  'KMSInternalException',
  'InternalErrorException',
  'KeyUnavailableException',
  'NetworkingError',
]);

/** Node's socket error codes for a dependency that is not there. */
const unavailableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

/** Whether the error, or one it wraps (`cause`, `errors`), says a dependency is unavailable. */
export function isDependencyUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 5 || error === null || typeof error !== 'object') return false;
  const candidate = error as { name?: unknown; code?: unknown; $retryable?: unknown; $metadata?: { httpStatusCode?: unknown }; cause?: unknown; errors?: unknown };
  if (typeof candidate.name === 'string' && unavailableNames.has(candidate.name)) return true;
  if (typeof candidate.code === 'string' && unavailableCodes.has(candidate.code)) return true;
  if (candidate.$retryable !== undefined && candidate.$retryable !== null) return true;
  const status = candidate.$metadata?.httpStatusCode;
  if (typeof status === 'number' && status >= 500) return true;
  if (isDependencyUnavailable(candidate.cause, depth + 1)) return true;
  return Array.isArray(candidate.errors) && candidate.errors.some((inner) => isDependencyUnavailable(inner, depth + 1));
}
