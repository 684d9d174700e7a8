// The officers' API: every request with the officer's token and language; a 401 signs out.
// Errors become paragraphs of text for the view that asked.

import { signOut, tokenUsable } from './auth.js';
import { h } from './dom.js';
import { state, t } from './state.js';
import { errorMessages, fieldNames, nameOf, statusNames } from './names.js';

export class ApiError extends Error {
  constructor(status, body) {
    super(typeof body?.message === 'string' ? body.message : `HTTP ${status}`);
    this.status = status;
    this.body = body ?? {};
  }
}

function apiBase() {
  return String(state.config?.apiUrl ?? '').replace(/\/+$/, '');
}

export async function api(method, path, body) {
  if (!tokenUsable()) {
    signOut('expired');
    throw new ApiError(401, { error: 'expired' });
  }
  let response;
  try {
    response = await fetch(`${apiBase()}${path}`, {
      method,
      cache: 'no-store',
      // Field errors come back in the console's language.
      headers: { authorization: `Bearer ${state.token}`, 'accept-language': state.language, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, { message: t().errorNetwork });
  }
  const data = await response.json().catch(() => undefined);
  if (response.status === 401) {
    signOut('expired');
    throw new ApiError(401, data);
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** An error as the officer reads it: the server's message, each bad field, what is allowed. */
export function errorContent(error) {
  const body = error instanceof ApiError ? error.body : {};
  const lines = [];
  if (error instanceof ApiError && error.status === 0) lines.push(t().errorNetwork);
  else if (Array.isArray(body.issues) && body.issues.length > 0) {
    lines.push(t().errorInvalid);
    for (const issue of body.issues) {
      const label = Object.hasOwn(fieldNames, issue.field) ? fieldNames[issue.field][state.language] : String(issue.field ?? '');
      lines.push(`${label}: ${String(issue.message ?? issue.reason ?? '')}`);
    }
  } else {
    const fallback =
      error.status === 403 ? t().errorForbidden : error.status === 404 ? t().notFound : error.status === 409 ? t().errorConflict : t().errorServer;
    const known = typeof body.error === 'string' && Object.hasOwn(errorMessages, body.error) ? errorMessages[body.error][state.language] : undefined;
    lines.push(known ?? (typeof body.message === 'string' && body.message ? body.message : fallback));
    const allowed = body.details?.allowed;
    if (Array.isArray(allowed)) {
      lines.push(allowed.length > 0 ? t().allowedStatuses(allowed.map((status) => nameOf(statusNames, status, state.language)).join(', ')) : t().noStatusChange);
    }
  }
  return lines.map((line) => h('p', { text: line }));
}
