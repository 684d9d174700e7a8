import type { FieldReason, Localized } from './i18n.ts';
import { errorText } from './messages.ts';

/**
 * One refused field: which one, and why (a key of the message table, with its limit if any, and
 * the name of the file it is about, for an attachment's field).
 */
export interface FieldIssue {
  readonly field: string;
  readonly reason: FieldReason;
  readonly limit?: number;
  readonly subject?: string;
}

/**
 * An error the caller caused or may be told about. The HTTP edge turns it into a 4xx with a
 * safe message; anything that is not a DomainError becomes an opaque 500.
 */
export class DomainError extends Error {
  readonly statusCode: number;
  readonly code: string;
  /**
   * Safe, structured facts about the refusal that the HTTP edge may put in the body beside the
   * code and message, e.g. `{ from: 'NEW', allowed: ['REJECTED'] }` for a refused status change.
   * Never tip text, contact details or anything else the caller may not see.
   */
  readonly details?: Readonly<Record<string, unknown>> | undefined;
  /** The safe message in every language; `message` is its English for logs and stack traces. */
  readonly text: Localized;

  constructor(statusCode: number, code: string, text: Localized, details?: Readonly<Record<string, unknown>>) {
    super(text.en);
    this.name = new.target.name;
    this.statusCode = statusCode;
    this.code = code;
    this.text = text;
    if (details !== undefined) this.details = details;
  }
}

/** The input broke one or more field rules. */
export class ValidationError extends DomainError {
  readonly issues: readonly FieldIssue[];

  constructor(issues: readonly FieldIssue[]) {
    super(400, 'validation_failed', errorText('invalidFields'));
    this.issues = issues;
  }
}

/** The body could not be read as the content type it claims. */
export class MalformedBodyError extends DomainError {
  constructor(text: Localized) {
    super(400, 'malformed_body', text);
  }
}

/** No such resource, or the caller may not know whether it exists. */
export class NotFoundError extends DomainError {
  constructor(text: Localized = errorText('notFound')) {
    super(404, 'not_found', text);
  }
}

/** The body is larger than the API accepts. */
export class PayloadTooLargeError extends DomainError {
  readonly limitBytes: number;

  constructor(limitBytes: number) {
    super(413, 'payload_too_large', errorText('payloadTooLarge', { n: limitBytes }));
    this.limitBytes = limitBytes;
  }
}

/** The body has a content type the route does not read. */
export class UnsupportedMediaTypeError extends DomainError {
  readonly accepted: readonly string[];

  constructor(accepted: readonly string[]) {
    super(415, 'unsupported_media_type', errorText('unsupportedMediaType', { types: accepted.join(', ') }));
    this.accepted = accepted;
  }
}

/** The request is not from who it claims to be: a missing, stale or wrong signature. */
export class UnauthorizedError extends DomainError {
  constructor(code: string, text: Localized) {
    super(401, code, text);
  }
}

/**
 * The request clashes with the resource's current state: the same request is being processed
 * right now, another writer changed it first, or its state does not allow the change.
 */
export class ConflictError extends DomainError {
  constructor(code: string, text: Localized, details?: Readonly<Record<string, unknown>>) {
    super(409, code, text, details);
  }
}

/**
 * The caller is known and may see the resource, but lacks the role for this action. A caller who
 * may not see the resource at all gets a NotFoundError instead, so its existence is not revealed.
 */
export class ForbiddenError extends DomainError {
  constructor(text: Localized = errorText('forbidden'), code = 'forbidden') {
    super(403, code, text);
  }
}

/** The caller has used up a rate limit; `retryAfterSeconds` is an upper bound on the wait. */
export class TooManyRequestsError extends DomainError {
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number, text: Localized = errorText('tooManyRequests')) {
    super(429, 'too_many_requests', text);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
