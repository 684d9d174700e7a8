// The officers' API: every request with the officer's token and language; a 401 signs out.
// Errors become paragraphs of text for the view that asked.

import { signOut, tokenUsable } from './auth.js';
import { h } from './dom.js';
import { state, t } from './state.js';
import { fieldNames } from './names.js';

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
      // The server's messages and field errors come back in the console's language.
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

/** An error as the officer reads it: the server's message (in the officer's language), or each bad field. */
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
    // The server words its refusals in the request's language (Accept-Language), a refused status
    // change with what is allowed; only an answer without a message gets the console's own words.
    lines.push(typeof body.message === 'string' && body.message.trim() ? body.message : fallback);
  }
  return lines.map((line) => h('p', { text: line }));
}
