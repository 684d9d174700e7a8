/**
 * Settings every AWS SDK client of the functions is made with. Without them a stalled
 * dependency holds a request until the Lambda times out; with them a request fails within a few
 * seconds and the caller gets a 503 with Retry-After (functions/http/unavailable.ts).
 * Three attempts of at most 2.5 s each stay inside the HTTP functions' 10 s.
 */
export const awsClientSettings = {
  maxAttempts: 3,
  // Without throwOnRequestTimeout the SDK only warns when requestTimeout passes.
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_500, throwOnRequestTimeout: true },
} as const;
