// Signing in and out: the local identity provider (username and password) or Cognito's hosted
// sign-in with the authorization-code flow and PKCE. The token's claims are decoded for display
// only: the API checks the signature and decides what an officer may see and do.

import { announce, field, h, show } from './dom.js';
import { keys, state, t } from './state.js';

/** What the console does once an officer is signed in or out (set by app.js). */
const hooks = { signedIn: () => undefined, signedOut: () => undefined };

export function setAuthHooks({ signedIn, signedOut }) {
  hooks.signedIn = signedIn;
  hooks.signedOut = signedOut;
}

function base64UrlDecode(segment) {
  const base64 = segment.replaceAll('-', '+').replaceAll('_', '/').padEnd(Math.ceil(segment.length / 4) * 4, '=');
  const binary = atob(base64);
  return new TextDecoder().decode(Uint8Array.from(binary, (character) => character.charCodeAt(0)));
}

function base64UrlEncode(bytes) {
  return btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** The JWT's payload, for display only (the signature is the API's to check). */
function decodeClaims(token) {
  try {
    const payload = JSON.parse(base64UrlDecode(token.split('.')[1] ?? ''));
    return payload && typeof payload === 'object' ? payload : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the token has more than a few seconds left. */
export function tokenUsable(claims = state.claims) {
  return Boolean(claims) && typeof claims.exp === 'number' && claims.exp * 1000 > Date.now() + 5000;
}

/** Unit groups as the API reads them: `unit-<code>`. */
const unitGroup = /^unit-[0-9A-Za-z]{1,12}$/;

/** The officer as the token describes them: display and form choices only. */
export function officer() {
  const claims = state.claims ?? {};
  const groups = Array.isArray(claims['cognito:groups']) ? claims['cognito:groups'].filter((group) => typeof group === 'string') : [];
  return {
    username: String(claims.username ?? claims['cognito:username'] ?? claims.sub ?? ''),
    groups,
    units: groups.filter((group) => unitGroup.test(group)).map((group) => group.slice('unit-'.length)),
    cityDesk: groups.includes('city-desk'),
    supervisor: groups.includes('supervisor'),
  };
}

export function setToken(token) {
  state.token = token;
  state.claims = token ? decodeClaims(token) : undefined;
  if (token) sessionStorage.setItem(keys.token, token);
  else sessionStorage.removeItem(keys.token);
}

/** The token this tab kept, if it is still good. */
export function restoreSession() {
  const saved = sessionStorage.getItem(keys.token);
  if (!state.token && saved) setToken(saved);
  if (state.token && !tokenUsable()) setToken(undefined);
}

function cognitoBase() {
  const domain = String(state.config?.auth?.domain ?? '');
  return (domain.startsWith('https://') ? domain : `https://${domain}`).replace(/\/+$/, '');
}

function redirectUri() {
  return state.config?.auth?.redirectUri ?? new URL('/console/', location.origin).href;
}

/** Whether the address is Cognito's answer to a sign-in (?code&state or ?error). */
export function isCognitoReturn(params) {
  return state.config?.auth?.type === 'cognito' && (params.has('code') || params.has('error'));
}

/** Cognito: the authorization-code flow with PKCE (S256); the verifier stays in this tab. */
async function startCognitoSignIn() {
  const verifier = base64UrlEncode(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64UrlEncode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const nonceState = base64UrlEncode(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem(keys.pkce, JSON.stringify({ verifier, state: nonceState, returnTo: location.hash }));
  const url = new URL(`${cognitoBase()}/oauth2/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: String(state.config.auth.clientId),
    redirect_uri: redirectUri(),
    scope: String(state.config.auth.scope ?? 'openid'),
    state: nonceState,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.href);
}

/** Cognito sent the browser back with ?code&state: exchange the code for tokens. Returns an error message, if any. */
export async function finishCognitoSignIn(params) {
  let saved;
  try {
    saved = JSON.parse(sessionStorage.getItem(keys.pkce) ?? 'null');
  } catch {
    saved = null;
  }
  sessionStorage.removeItem(keys.pkce);
  // The code must not stay in the address bar or the history.
  history.replaceState(null, '', `${location.pathname}${saved?.returnTo ?? ''}`);
  if (params.has('error') || !saved || saved.state !== params.get('state') || !params.get('code')) return t().stateMismatch;
  try {
    const response = await fetch(`${cognitoBase()}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: String(state.config.auth.clientId),
        code: params.get('code'),
        redirect_uri: redirectUri(),
        code_verifier: saved.verifier,
      }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok || typeof body.access_token !== 'string') return t().signInError;
    setToken(body.access_token);
    return undefined;
  } catch {
    return t().signInError;
  }
}

/** The local identity provider: username and password for an access token. */
async function localSignIn(username, password) {
  const response = await fetch(state.config.auth.tokenUrl ?? '/_local/idp/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = await response.json().catch(() => ({}));
  if (response.status === 401 || response.status === 400) throw new Error(t().signInFailed);
  if (!response.ok || typeof body.access_token !== 'string') throw new Error(t().signInError);
  setToken(body.access_token);
}

/** Forgets the token; `manual` with Cognito also ends the hosted session. */
export function signOut(reason) {
  setToken(undefined);
  state.paging = { key: '', cursors: [''] };
  if (reason === 'manual' && state.config?.auth?.type === 'cognito') {
    const url = new URL(`${cognitoBase()}/logout`);
    url.search = new URLSearchParams({ client_id: String(state.config.auth.clientId), logout_uri: state.config.auth.logoutUri ?? redirectUri() }).toString();
    location.assign(url.href);
    return;
  }
  hooks.signedOut(reason);
}

/** The message the sign-in view opens with after a sign-out. */
export function signedOutMessage(reason) {
  return reason === 'expired' ? t().sessionExpired : reason === 'manual' ? t().signedOut : undefined;
}

export function renderSignIn(message) {
  const auth = state.config?.auth;
  const alert = h('div', { class: 'alert', role: 'alert', id: 'signin-error' });
  if (message) alert.append(h('p', { text: message }));
  let body;
  if (auth?.type === 'cognito') {
    body = h('p', {}, h('button', { type: 'button', id: 'signin-cognito', class: 'primary', onclick: () => startCognitoSignIn() }, t().signInCognito));
  } else {
    const username = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
    const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
    const submit = h('button', { type: 'submit', class: 'primary' }, t().signIn);
    body = h(
      'form',
      {
        id: 'signin-form',
        onsubmit: async (event) => {
          event.preventDefault();
          submit.disabled = true;
          alert.replaceChildren();
          announce(t().signingIn);
          try {
            await localSignIn(username.value.trim(), password.value);
            announce('');
            hooks.signedIn();
          } catch (error) {
            alert.replaceChildren(h('p', { text: error instanceof Error ? error.message : t().signInError }));
            announce('');
            password.focus();
          } finally {
            submit.disabled = false;
          }
        },
      },
      field(t().username, username),
      field(t().password, password),
      submit,
    );
  }
  const view = h(
    'section',
    { class: 'signin', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title', tabindex: '-1', text: t().signInTitle }),
    h('p', { text: t().signInIntro }),
    auth?.type === 'local' ? h('p', { class: 'hint', text: t().localNotice }) : null,
    alert,
    auth ? body : null,
  );
  show(view, t().signInTitle, { focus: Boolean(message) });
}
