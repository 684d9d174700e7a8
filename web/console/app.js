// The officers' console: sign-in (local identity provider or Cognito with PKCE), the queue with
// paging and CSV export, a tip with every action and its audit trail, and a map of open tips.
// Plain ES module, no build step, no framework. Every value from the server, tip text above all,
// is inserted with textContent or as an attribute through DOM APIs, never as HTML. The token's
// claims are decoded for display only: the API decides what an officer may see and do.

import { downloadCsv, toCsv } from './csv.js';
import { renderChoropleth, renderLegend } from './map.js';
import {
  categoryNames,
  channelNames,
  errorMessages,
  eventNames,
  fieldNames,
  flagNames,
  nameOf,
  rejectionNames,
  routingNames,
  statusNames,
  strings,
  urgencyNames,
} from './strings.js';

const keys = {
  token: 'tinbao.console.token',
  pkce: 'tinbao.console.pkce',
  language: 'tinbao.console.language',
};

const allStatuses = ['NEW', 'ASSIGNED', 'IN_PROGRESS', 'RESOLVED', 'REJECTED'];
const openStatuses = ['NEW', 'ASSIGNED', 'IN_PROGRESS'];
const cityQueue = 'CITY';
/** Where changeStatus may take a tip from each status (the server's state machine; display only). */
const statusChanges = { NEW: ['REJECTED'], ASSIGNED: ['IN_PROGRESS', 'REJECTED'], IN_PROGRESS: ['RESOLVED', 'REJECTED'], RESOLVED: [], REJECTED: [] };
const rejectionReasons = ['false', 'duplicate', 'spam'];
/** Rows per page the officer may choose; the API allows 1 to 100. */
const pageSizes = [10, 25, 50, 100];
const defaultPageSize = 25;
/** Rows per request when exporting; the API's maximum page. */
const exportPageSize = 100;
/** The export stops here, so a runaway queue cannot hang the browser. */
const maxExportRows = 20000;

const state = {
  language: localStorage.getItem(keys.language) === 'en' ? 'en' : 'vi',
  config: undefined,
  token: undefined,
  claims: undefined,
  districts: [],
  /** Cursors of the pages seen of one queue and status: pages[n - 1] opens page n. */
  paging: { key: '', cursors: [''] },
  /** Increases with each navigation, so a slow answer for an old view is dropped. */
  renderId: 0,
};

const t = () => strings[state.language];

// ---- DOM helpers --------------------------------------------------------------------------

/**
 * Creates an element. Strings among the children become text nodes; `text` sets textContent;
 * `on<event>` adds a listener; other props become attributes (false/undefined/null are skipped).
 */
function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'text') element.textContent = String(value);
    else if (name === 'class') element.className = value;
    else if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

let idCounter = 0;
const uid = (prefix) => `${prefix}-${++idCounter}`;

/** A labelled form control: label, optional hint, control (wired with for/aria-describedby). */
function field(labelText, control, hintText) {
  control.id ||= uid('field');
  const parts = [h('label', { for: control.id, text: labelText })];
  if (hintText) {
    const hintId = uid('hint');
    control.setAttribute('aria-describedby', hintId);
    parts.push(h('p', { class: 'hint', id: hintId, text: hintText }));
  }
  return h('div', { class: 'field' }, parts, control);
}

function option(value, label, selected = false) {
  return h('option', { value, selected }, label);
}

/** Times in Ho Chi Minh City, 24-hour, whatever the officer's computer is set to. */
const timeFormats = {
  vi: new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
};

function formatTime(value) {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value ?? '') : timeFormats[state.language].format(date);
}

function timeElement(value) {
  return h('time', { datetime: String(value ?? '') }, formatTime(value));
}

/** Says something to screen readers and sighted users alike, in the header's live region. */
function announce(message) {
  const region = document.getElementById('announcer');
  if (region) region.textContent = message ?? '';
}

// ---- Token, claims, sign-in ------------------------------------------------------------------

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

function tokenUsable(claims) {
  return claims && typeof claims.exp === 'number' && claims.exp * 1000 > Date.now() + 5000;
}

/** The officer as the token describes them: display and form choices only. */
function officer() {
  const claims = state.claims ?? {};
  const groups = Array.isArray(claims['cognito:groups']) ? claims['cognito:groups'].filter((group) => typeof group === 'string') : [];
  const districts = groups.filter((group) => /^district-\d{3}$/.test(group)).map((group) => group.slice('district-'.length));
  return {
    username: String(claims.username ?? claims['cognito:username'] ?? claims.sub ?? ''),
    groups,
    districts,
    cityDesk: groups.includes('city-desk'),
    supervisor: groups.includes('supervisor'),
  };
}

/** Queue codes in the map's order: every unit and CITY for the city desk, else the officer's units. */
function allQueues() {
  return [...state.districts.map((district) => district.code), cityQueue];
}

function visibleQueues() {
  const me = officer();
  return me.cityDesk ? allQueues() : allQueues().filter((code) => me.districts.includes(code));
}

function queueName(code) {
  if (code === cityQueue) return t().cityDesk;
  const district = state.districts.find((candidate) => candidate.code === code);
  if (!district) return String(code ?? '');
  return state.language === 'en' ? district.nameEn : district.name;
}

function setToken(token) {
  state.token = token;
  state.claims = token ? decodeClaims(token) : undefined;
  if (token) sessionStorage.setItem(keys.token, token);
  else sessionStorage.removeItem(keys.token);
}

function cognitoBase() {
  const domain = String(state.config?.auth?.domain ?? '');
  return (domain.startsWith('https://') ? domain : `https://${domain}`).replace(/\/+$/, '');
}

function redirectUri() {
  return state.config?.auth?.redirectUri ?? new URL('/console/', location.origin).href;
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

/** Cognito sent the browser back with ?code&state: exchange the code for tokens. */
async function finishCognitoSignIn(params) {
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

function signOut(reason) {
  setToken(undefined);
  state.paging = { key: '', cursors: [''] };
  if (reason === 'manual' && state.config?.auth?.type === 'cognito') {
    const url = new URL(`${cognitoBase()}/logout`);
    url.search = new URLSearchParams({ client_id: String(state.config.auth.clientId), logout_uri: state.config.auth.logoutUri ?? redirectUri() }).toString();
    location.assign(url.href);
    return;
  }
  renderChrome();
  renderSignIn(reason === 'expired' ? t().sessionExpired : reason === 'manual' ? t().signedOut : undefined);
}

// ---- API ------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, body) {
    super(typeof body?.message === 'string' ? body.message : `HTTP ${status}`);
    this.status = status;
    this.body = body ?? {};
  }
}

function apiBase() {
  return String(state.config?.apiUrl ?? '').replace(/\/+$/, '');
}

async function api(method, path, body) {
  if (!tokenUsable(state.claims)) {
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
function errorContent(error) {
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

// ---- Page chrome ---------------------------------------------------------------------------

function renderChrome() {
  document.documentElement.lang = state.language;
  const signedIn = Boolean(state.token);
  const me = officer();
  const header = document.getElementById('top');
  const roles = [...me.districts.map((code) => queueName(code)), me.cityDesk ? t().cityDesk : '', me.supervisor ? t().supervisor : ''].filter(Boolean);
  const current = parseRoute();
  const parts = [
    h('a', { class: 'skip', href: '#main', onclick: (event) => {
      event.preventDefault();
      document.getElementById('main')?.focus();
    } }, t().skip),
    h('span', { class: 'brand' }, t().brand),
    signedIn
      ? h(
          'nav',
          { 'aria-label': t().navLabel },
          h('a', { href: '#/queue', 'aria-current': current.view === 'queue' || current.view === 'tip' ? 'page' : false }, t().navQueue),
          h('a', { href: '#/map', 'aria-current': current.view === 'map' ? 'page' : false }, t().navMap),
        )
      : null,
    h(
      'div',
      { class: 'who' },
      signedIn ? h('span', { id: 'who-name' }, `${t().signedInAs} `, h('strong', { text: me.username }), roles.length ? ` (${roles.join(', ')})` : '') : null,
      signedIn ? h('button', { type: 'button', id: 'sign-out', onclick: () => signOut('manual') }, t().signOut) : null,
      h(
        'button',
        {
          type: 'button',
          id: 'language',
          lang: t().otherLanguageCode,
          onclick: () => {
            state.language = state.language === 'vi' ? 'en' : 'vi';
            localStorage.setItem(keys.language, state.language);
            renderChrome();
            if (state.token) route();
            else renderSignIn();
          },
        },
        t().otherLanguage,
      ),
    ),
    h('p', { id: 'announcer', class: 'announcer', role: 'status', 'aria-live': 'polite' }),
  ];
  header.replaceChildren(...parts.filter(Boolean));
}

/** Puts a view in <main>, titles the page, and moves focus to the view's heading. */
function show(view, title, { focus = true } = {}) {
  const main = document.getElementById('main');
  main.replaceChildren(view);
  document.title = `${title} – ${t().title}`;
  if (focus) view.querySelector('h1')?.focus();
}

// ---- Sign-in view --------------------------------------------------------------------------

function renderSignIn(message) {
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
            renderChrome();
            route();
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

// ---- Routing -------------------------------------------------------------------------------

function parseRoute() {
  const hash = location.hash.replace(/^#/, '');
  const [path, query = ''] = hash.split('?');
  const params = new URLSearchParams(query);
  if (path.startsWith('/tip/')) return { view: 'tip', id: decodeURIComponent(path.slice('/tip/'.length)), params };
  if (path === '/map') return { view: 'map', params };
  return { view: 'queue', params };
}

function queueHref(queue, status, page = 1, limit = defaultPageSize) {
  const params = new URLSearchParams({ queue, status });
  if (limit !== defaultPageSize) params.set('limit', String(limit));
  if (page > 1) params.set('page', String(page));
  return `#/queue?${params}`;
}

function tipHref(id) {
  return `#/tip/${encodeURIComponent(id)}`;
}

function route() {
  if (!state.token || !tokenUsable(state.claims)) {
    if (state.token) signOut('expired');
    else renderSignIn();
    return;
  }
  renderChrome();
  const current = parseRoute();
  const renderId = ++state.renderId;
  const stale = () => renderId !== state.renderId;
  if (current.view === 'tip') void renderTip(current.id, stale);
  else if (current.view === 'map') void renderMap(stale);
  else void renderQueue(current.params, stale);
}

// ---- Queue view ----------------------------------------------------------------------------

function daysLeftCell(item) {
  if (item.overdue) {
    return h('strong', { class: 'overdue' }, h('span', { 'aria-hidden': 'true' }, '⚠ '), t().overdue(Math.max(1, -Number(item.daysLeft))));
  }
  return h('span', { class: Number(item.daysLeft) <= 3 ? 'due-soon' : '' }, t().daysLeft(Number(item.daysLeft)));
}

function queueRow(item) {
  return h(
    'tr',
    { class: item.overdue ? 'is-overdue' : '' },
    h('th', { scope: 'row' }, h('a', { href: tipHref(item.id), class: 'register' }, item.registerNumber || item.trackingCode)),
    h('td', {}, h('span', { class: `urgency urgency-${String(item.urgency)}` }, nameOf(urgencyNames, item.urgency, state.language))),
    h('td', {}, daysLeftCell(item)),
    h('td', {}, nameOf(categoryNames, item.category, state.language)),
    h('td', { class: 'excerpt' }, item.excerpt),
    h('td', {}, item.assignee ?? t().nobody),
    h('td', {}, timeElement(item.receivedAt)),
  );
}

function queueParams(queue, status, cursor, limit) {
  const params = new URLSearchParams({ queue, status });
  if (cursor) params.set('cursor', cursor);
  if (limit) params.set('limit', String(limit));
  return params;
}

/** Every row of the filtered queue, page after page, as CSV. */
async function exportQueue(queue, status, button, progress) {
  button.disabled = true;
  const rows = [];
  let cursor = '';
  let truncated = false;
  try {
    do {
      const page = await api('GET', `/queue?${queueParams(queue, status, cursor, exportPageSize)}`);
      for (const item of page.items ?? []) {
        rows.push([
          item.registerNumber,
          item.id,
          item.trackingCode,
          item.queue,
          item.status,
          item.urgency,
          item.category,
          item.channel,
          item.receivedAt,
          item.dueAt,
          Number(item.daysLeft),
          item.overdue ? 'yes' : 'no',
          item.assignee ?? '',
          item.senderAlias ?? '',
          item.excerpt,
        ]);
      }
      cursor = page.nextCursor ?? '';
      progress.textContent = t().exporting(rows.length);
      if (rows.length >= maxExportRows && cursor) {
        truncated = true;
        break;
      }
    } while (cursor);
    const header = ['registerNumber', 'id', 'trackingCode', 'queue', 'status', 'urgency', 'category', 'channel', 'receivedAt', 'dueAt', 'daysLeft', 'overdue', 'assignee', 'senderAlias', 'excerpt'];
    const stamp = new Date().toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
    downloadCsv(`tinbao-${queue}-${status}-${stamp}.csv`, toCsv(header, rows));
    progress.textContent = truncated ? t().exportTooMany(rows.length) : t().exported(rows.length);
  } catch (error) {
    progress.replaceChildren(...errorContent(error));
  } finally {
    button.disabled = false;
  }
}

async function renderQueue(params, stale) {
  const queues = visibleQueues();
  if (queues.length === 0) {
    show(h('section', {}, h('h1', { tabindex: '-1', text: t().queueTitle }), h('p', { text: t().noQueues })), t().queueTitle);
    return;
  }
  const queue = queues.includes(params.get('queue')) ? params.get('queue') : queues[0];
  const status = allStatuses.includes(params.get('status')) ? params.get('status') : 'NEW';
  const limit = pageSizes.includes(Number(params.get('limit'))) ? Number(params.get('limit')) : defaultPageSize;
  const key = `${queue}|${status}|${limit}`;
  if (state.paging.key !== key) state.paging = { key, cursors: [''] };
  let pageNumber = Math.max(1, Math.floor(Number(params.get('page')) || 1));
  // A page whose cursor this tab never saw (a reload) starts again from the first.
  if (pageNumber > state.paging.cursors.length) pageNumber = 1;
  const cursor = state.paging.cursors[pageNumber - 1] ?? '';

  const queueSelect = h('select', { id: 'queue-select', name: 'queue' }, queues.map((code) => option(code, `${queueName(code)} (${code})`, code === queue)));
  const statusSelect = h('select', { id: 'status-select', name: 'status' }, allStatuses.map((code) => option(code, nameOf(statusNames, code, state.language), code === status)));
  const sizeSelect = h('select', { id: 'size-select', name: 'limit' }, pageSizes.map((size) => option(String(size), String(size), size === limit)));
  const progress = h('p', { class: 'progress', role: 'status', 'aria-live': 'polite', id: 'export-status' });
  const exportButton = h('button', { type: 'button', id: 'export-csv', onclick: () => exportQueue(queue, status, exportButton, progress) }, t().exportCsv);
  const filters = h(
    'form',
    {
      class: 'filters',
      id: 'queue-filters',
      onsubmit: (event) => {
        event.preventDefault();
        // The rows on screen are not the answer to the new filter: say so at once, before it comes.
        results.setAttribute('aria-busy', 'true');
        results.replaceChildren(h('p', { text: t().loading }));
        const target = queueHref(queueSelect.value, statusSelect.value, 1, Number(sizeSelect.value));
        // The same filter again reloads the first page (no hashchange fires for an unchanged hash).
        if (location.hash === target) {
          state.paging = { key: '', cursors: [''] };
          route();
        } else location.hash = target;
      },
    },
    field(t().queueLabel, queueSelect),
    field(t().statusLabel, statusSelect),
    field(t().pageSize, sizeSelect),
    h('button', { type: 'submit', class: 'primary' }, t().show),
    exportButton,
  );
  const results = h('div', { id: 'queue-results', 'aria-busy': 'true' }, h('p', { text: t().loading }));
  const heading = h('h1', { tabindex: '-1', text: `${t().queueTitle}: ${queueName(queue)}` });
  show(h('section', { class: 'queue' }, heading, filters, progress, results), t().queueTitle);

  let page;
  try {
    page = await api('GET', `/queue?${queueParams(queue, status, cursor, limit)}`);
  } catch (error) {
    if (stale() || error.status === 401) return;
    results.replaceChildren(h('div', { class: 'alert', role: 'alert' }, errorContent(error)));
    results.removeAttribute('aria-busy');
    return;
  }
  if (stale()) return;
  if (page.nextCursor) state.paging.cursors[pageNumber] = page.nextCursor;
  const items = page.items ?? [];
  const table = h(
    'table',
    { class: 'queue-table', id: 'queue-table' },
    h('caption', { text: t().caption(queueName(queue), nameOf(statusNames, status, state.language), pageNumber) }),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        [t().colRegister, t().colUrgency, t().colDaysLeft, t().colCategory, t().colExcerpt, t().colAssignee, t().colReceived].map((label) => h('th', { scope: 'col', text: label })),
      ),
    ),
    h('tbody', {}, items.map(queueRow)),
  );
  const pager = h(
    'nav',
    { class: 'pager', 'aria-label': t().caption(queueName(queue), nameOf(statusNames, status, state.language), pageNumber) },
    pageNumber > 1 ? h('a', { href: queueHref(queue, status, pageNumber - 1, limit), id: 'previous-page' }, t().previousPage) : null,
    page.nextCursor ? h('a', { href: queueHref(queue, status, pageNumber + 1, limit), id: 'next-page' }, t().nextPage) : null,
  );
  results.replaceChildren(items.length > 0 ? table : h('p', { class: 'empty', text: t().empty }), pager);
  results.removeAttribute('aria-busy');
}

// ---- Tip view ------------------------------------------------------------------------------

function definition(term, ...value) {
  return [h('dt', { text: term }), h('dd', {}, ...value)];
}

function deadlineText(tip) {
  return tip.overdue
    ? h('strong', { class: 'overdue' }, h('span', { 'aria-hidden': 'true' }, '⚠ '), t().overdue(Math.max(1, -Number(tip.daysLeft))))
    : h('span', {}, t().daysLeft(Number(tip.daysLeft)));
}

function routingDescription(routing) {
  if (!routing) return '';
  const parts = [t().routingText(nameOf(routingNames, routing.method, state.language), Math.round(Number(routing.confidence) * 100))];
  const evidence = routing.evidence;
  if (evidence?.kind === 'text') parts.push(`${t().evidence}: “${String(evidence.span)}”`);
  else if (evidence?.kind === 'point') parts.push(`${t().evidence}: ${Number(evidence.lat)}, ${Number(evidence.lon)}`);
  else if (evidence?.kind === 'code') parts.push(`${t().evidence}: ${queueName(evidence.code)}`);
  return parts.join('; ');
}

function snapshotText(snapshot) {
  if (!snapshot) return '';
  const parts = [];
  if (snapshot.status !== undefined) parts.push(nameOf(statusNames, snapshot.status, state.language));
  if (snapshot.queue !== undefined) parts.push(queueName(snapshot.queue));
  if (snapshot.assignee !== undefined) parts.push(snapshot.assignee ?? t().nobody);
  if (snapshot.dueAt !== undefined) parts.push(formatTime(snapshot.dueAt));
  if (snapshot.category !== undefined) parts.push(nameOf(categoryNames, snapshot.category, state.language));
  if (snapshot.urgency !== undefined) parts.push(nameOf(urgencyNames, snapshot.urgency, state.language));
  return parts.join(', ');
}

function eventItem(event) {
  const change = event.before || event.after ? `${snapshotText(event.before) || '—'} → ${snapshotText(event.after) || '—'}` : '';
  return h(
    'li',
    { class: `event event-${String(event.type).toLowerCase()}` },
    h('p', { class: 'event-head' }, timeElement(event.at), ' · ', h('strong', { text: nameOf(eventNames, event.type, state.language) }), ' · ', event.actor, event.public ? h('span', { class: 'badge', text: t().public }) : null),
    change ? h('p', { class: 'event-change', text: change }) : null,
    event.reason !== undefined ? h('p', { class: 'event-reason' }, `${t().reason}: `, Object.hasOwn(rejectionNames, event.reason) ? nameOf(rejectionNames, event.reason, state.language) : event.reason) : null,
    event.text !== undefined ? h('p', { class: 'event-text', text: event.text }) : null,
  );
}

/** One action: a form in its own fieldset with a result line; `submit` returns the request's body. */
function actionForm({ id, title, controls, button, hint, send }) {
  const result = h('div', { class: 'result', role: 'alert', id: `${id}-result` });
  const submit = h('button', { type: 'submit', class: 'primary' }, button);
  const form = h(
    'form',
    {
      id,
      class: 'action',
      onsubmit: async (event) => {
        event.preventDefault();
        if (!form.reportValidity()) return;
        submit.disabled = true;
        result.replaceChildren();
        try {
          await send();
        } catch (error) {
          if (error?.status !== 401) result.replaceChildren(...errorContent(error));
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('fieldset', {}, h('legend', { text: title }), hint ? h('p', { class: 'hint', text: hint }) : null, controls, submit, result),
  );
  return form;
}

function renderTipDetail(detail, stale, { message, focus = true } = {}) {
  if (stale()) return;
  const tip = detail.tip;
  const events = Array.isArray(detail.events) ? detail.events : [];
  const me = officer();
  const open = openStatuses.includes(tip.status);
  const path = `/tips/${encodeURIComponent(tip.id)}`;
  /** Runs an action and shows the tip as the server now has it. */
  const act = async (suffix, body, done = t().done) => {
    const answer = await api('POST', `${path}/${suffix}`, body);
    const next = answer?.tip ? answer : await api('GET', path);
    renderTipDetail(next, stale, { message: answer?.delivered === false ? t().replyNotDelivered : done, focus: false });
  };

  const facts = h(
    'dl',
    { class: 'facts' },
    definition(t().fieldStatus, h('span', { class: `status status-${String(tip.status).toLowerCase()}`, id: 'tip-status' }, nameOf(statusNames, tip.status, state.language))),
    definition(t().fieldQueue, `${queueName(tip.queue)} (${tip.queue})`),
    definition(t().fieldUrgency, h('span', { class: `urgency urgency-${String(tip.urgency)}` }, nameOf(urgencyNames, tip.urgency, state.language))),
    definition(t().fieldCategory, nameOf(categoryNames, tip.category, state.language)),
    definition(t().fieldAssignee, h('span', { id: 'tip-assignee' }, tip.assignee ?? t().nobody)),
    definition(t().fieldReceived, timeElement(tip.receivedAt)),
    definition(t().fieldDue, timeElement(tip.dueAt), ' · ', deadlineText(tip)),
    definition(t().fieldChannel, nameOf(channelNames, tip.channel, state.language)),
    tip.senderAlias ? definition(t().fieldSender, tip.senderAlias) : null,
    definition(t().fieldTracking, tip.trackingCode),
    tip.contact ? definition(t().fieldContact, tip.contact) : null,
    tip.lat !== undefined && tip.lon !== undefined ? definition(t().fieldLocation, `${Number(tip.lat)}, ${Number(tip.lon)}`) : null,
    tip.requestedDistrict || tip.requestedCategory
      ? definition(t().fieldRequested, [tip.requestedDistrict ? queueName(tip.requestedDistrict) : '', tip.requestedCategory ? nameOf(categoryNames, tip.requestedCategory, state.language) : ''].filter(Boolean).join(', '))
      : null,
    definition(t().fieldRouting, routingDescription(tip.routing)),
    Array.isArray(tip.flags) && tip.flags.length > 0 ? definition(t().fieldFlags, tip.flags.map((flag) => nameOf(flagNames, flag, state.language)).join(', ')) : null,
    tip.rejection
      ? definition(
          t().fieldRejection,
          nameOf(rejectionNames, tip.rejection.reason, state.language),
          tip.rejection.duplicateOf ? [` (${t().duplicateOfLabel} `, h('a', { href: tipHref(tip.rejection.duplicateOf) }, tip.rejection.duplicateOf), ')'] : null,
          tip.rejection.note ? [' – ', tip.rejection.note] : null,
        )
      : null,
    Array.isArray(tip.deadlineExtensions) && tip.deadlineExtensions.length > 0
      ? definition(
          t().fieldExtensions,
          h('ul', {}, tip.deadlineExtensions.map((extension) => h('li', { text: t().extension(formatTime(extension.previousDueAt), formatTime(extension.dueAt), extension.by, extension.reason) }))),
        )
      : null,
  );

  const actions = [];
  if (tip.status === 'NEW') {
    const claimResult = h('div', { class: 'result', role: 'alert', id: 'claim-result' });
    const claimButton = h(
      'button',
      {
        type: 'button',
        id: 'claim',
        class: 'primary',
        onclick: async () => {
          claimButton.disabled = true;
          claimResult.replaceChildren();
          try {
            await act('claim', undefined);
          } catch (error) {
            if (error?.status !== 401) claimResult.replaceChildren(...errorContent(error));
            claimButton.disabled = false;
          }
        },
      },
      t().claim,
    );
    actions.push(h('div', { class: 'action claim' }, claimButton, claimResult));
  }
  if (me.supervisor && (tip.status === 'NEW' || tip.status === 'ASSIGNED')) {
    const assignee = h('input', { name: 'assignee', required: true, autocomplete: 'off', spellcheck: 'false' });
    actions.push(actionForm({ id: 'assign-form', title: t().assignTitle, button: t().assign, controls: field(t().assignee, assignee), send: () => act('assign', { assignee: assignee.value.trim() }) }));
  }
  if (open) {
    const to = h('select', { name: 'to', required: true }, option('', '—'), allQueues().filter((code) => code !== tip.queue).map((code) => option(code, `${queueName(code)} (${code})`)));
    const reason = h('textarea', { name: 'reason', required: true, minlength: '5', maxlength: '500', rows: '2' });
    actions.push(
      actionForm({
        id: 'transfer-form',
        title: t().transferTitle,
        button: t().transfer,
        controls: [field(t().transferTo, to), field(t().reason, reason, t().reasonHint)],
        send: () => act('transfer', { to: to.value, reason: reason.value }),
      }),
    );
  }
  const allowed = statusChanges[tip.status] ?? [];
  if (allowed.length > 0) {
    const target = h('select', { name: 'status', required: true }, allowed.map((code) => option(code, nameOf(statusNames, code, state.language))));
    const rejection = h('select', { name: 'reason', required: true }, option('', '—'), rejectionReasons.map((code) => option(code, nameOf(rejectionNames, code, state.language))));
    const duplicateOf = h('input', { name: 'duplicateOf', autocomplete: 'off', spellcheck: 'false', maxlength: '64' });
    const note = h('textarea', { name: 'note', rows: '2', maxlength: '1000' });
    const reason = h('textarea', { name: 'reason', rows: '2', maxlength: '500' });
    const rejectionFields = h('div', { class: 'rejection-fields' }, field(t().rejectionReason, rejection));
    const duplicateField = h('div', {}, field(t().duplicateOf, duplicateOf));
    const noteField = h('div', {}, field(t().rejectionNote, note));
    const reasonField = h('div', {}, field(t().statusReason, reason, t().reasonHint));
    const sync = () => {
      const rejecting = target.value === 'REJECTED';
      rejectionFields.hidden = !rejecting;
      rejection.required = rejecting;
      noteField.hidden = !rejecting;
      duplicateField.hidden = !(rejecting && rejection.value === 'duplicate');
      duplicateOf.required = !duplicateField.hidden;
      reasonField.hidden = rejecting;
    };
    target.addEventListener('change', sync);
    rejection.addEventListener('change', sync);
    sync();
    actions.push(
      actionForm({
        id: 'status-form',
        title: t().statusTitle,
        button: t().changeStatus,
        controls: [field(t().newStatus, target), rejectionFields, duplicateField, noteField, reasonField],
        send: () => {
          const body = { status: target.value };
          if (target.value === 'REJECTED') {
            body.reason = rejection.value;
            if (rejection.value === 'duplicate') body.duplicateOf = duplicateOf.value.trim();
            if (note.value.trim()) body.note = note.value;
          } else if (reason.value.trim()) body.reason = reason.value;
          return act('status', body);
        },
      }),
    );
  }
  {
    const text = h('textarea', { name: 'text', required: true, rows: '3', maxlength: '5000' });
    actions.push(
      actionForm({ id: 'note-form', title: t().noteTitle, hint: t().noteHint, button: t().addNote, controls: field(t().note, text), send: () => act('notes', { text: text.value }) }),
    );
  }
  {
    const text = h('textarea', { name: 'text', required: true, rows: '3', maxlength: '1000' });
    actions.push(
      actionForm({ id: 'reply-form', title: t().replyTitle, hint: t().replyHint, button: t().sendReply, controls: field(t().reply, text), send: () => act('messages', { text: text.value }) }),
    );
  }
  if (me.supervisor && open) {
    const days = h('input', { name: 'days', type: 'number', min: '1', max: '62', step: '1', required: true, inputmode: 'numeric' });
    const reason = h('textarea', { name: 'reason', required: true, minlength: '5', maxlength: '500', rows: '2' });
    actions.push(
      actionForm({
        id: 'deadline-form',
        title: t().deadlineTitle,
        button: t().extend,
        controls: [field(t().days, days), field(t().reason, reason, t().reasonHint)],
        send: () => act('deadline', { days: Number(days.value), reason: reason.value }),
      }),
    );
  }

  const conversation = events.filter((event) => event.public && (event.type === 'OFFICER_MESSAGE' || event.type === 'TIPSTER_MESSAGE'));
  const view = h(
    'article',
    { class: 'tip', 'aria-labelledby': 'tip-title' },
    h('p', {}, h('a', { href: queueHref(tip.queue, tip.status) }, t().backToQueue)),
    h('h1', { id: 'tip-title', tabindex: '-1', text: t().tipTitle(tip.registerNumber || tip.trackingCode) }),
    h('p', { class: 'notice', role: 'status', id: 'tip-message', text: message ?? '' }),
    facts,
    h('h2', { text: t().tipText }),
    h('p', { class: 'tip-text', id: 'tip-text', lang: tip.language === 'en' ? 'en' : 'vi', text: tip.text }),
    h('h2', { text: t().actionsTitle }),
    h('div', { class: 'actions' }, actions),
    h('h2', { text: t().conversationTitle }),
    conversation.length > 0
      ? h(
          'ol',
          { class: 'conversation', id: 'conversation' },
          conversation.map((event) =>
            h(
              'li',
              { class: event.type === 'OFFICER_MESSAGE' ? 'from-officer' : 'from-tipster' },
              h('p', { class: 'who' }, event.type === 'OFFICER_MESSAGE' ? `${t().fromOfficer} (${event.actor})` : t().fromTipster, ' · ', timeElement(event.at)),
              h('p', { class: 'body', text: event.text ?? '' }),
            ),
          ),
        )
      : h('p', { id: 'conversation', text: t().noConversation }),
    h('h2', { text: t().auditTitle }),
    h('ol', { class: 'audit', id: 'audit' }, events.map(eventItem)),
  );
  show(view, t().tipTitle(tip.registerNumber || tip.trackingCode), { focus });
  if (message) announce(message);
}

async function renderTip(id, stale) {
  show(h('section', {}, h('h1', { tabindex: '-1', text: t().loading })), t().loading, { focus: false });
  try {
    const detail = await api('GET', `/tips/${encodeURIComponent(id)}`);
    renderTipDetail(detail, stale);
  } catch (error) {
    if (stale() || error.status === 401) return;
    show(
      h('section', {}, h('p', {}, h('a', { href: '#/queue' }, t().backToQueue)), h('h1', { tabindex: '-1', text: error.status === 404 ? t().notFound : t().errorServer }), h('div', { class: 'alert', role: 'alert' }, errorContent(error))),
      t().notFound,
    );
  }
}

// ---- Map view ------------------------------------------------------------------------------

async function renderMap(stale) {
  const figure = h('div', { class: 'map', id: 'map', 'aria-busy': 'true' }, h('p', { text: t().loading }));
  show(h('section', { class: 'map-view' }, h('h1', { tabindex: '-1', text: t().mapTitle }), h('p', { text: t().mapDescription }), figure), t().mapTitle);
  let summary;
  try {
    summary = await api('GET', '/queue/summary');
  } catch (error) {
    if (stale() || error.status === 401) return;
    figure.replaceChildren(h('div', { class: 'alert', role: 'alert' }, errorContent(error)));
    figure.removeAttribute('aria-busy');
    return;
  }
  if (stale()) return;
  const queues = Array.isArray(summary?.queues) ? summary.queues : [];
  const chart = renderChoropleth({
    districts: state.districts,
    summary: queues,
    lang: state.language,
    t: t(),
    hrefFor: (code) => queueHref(code, 'NEW'),
  });
  const legend = h('figure', { class: 'legend-box' }, h('figcaption', { text: t().mapLegend }), renderLegend(t()));
  const total = { new: 0, assigned: 0, inProgress: 0, overdue: 0 };
  const rows = queues.map((entry) => {
    for (const name of Object.keys(total)) total[name] += Number(entry[name]) || 0;
    const open = (Number(entry.new) || 0) + (Number(entry.assigned) || 0) + (Number(entry.inProgress) || 0);
    return h(
      'tr',
      { class: Number(entry.overdue) > 0 ? 'is-overdue' : '' },
      h('th', { scope: 'row' }, h('a', { href: queueHref(entry.queue, 'NEW') }, queueName(entry.queue))),
      [entry.new, entry.assigned, entry.inProgress, open].map((value) => h('td', { class: 'number', text: Number(value) || 0 })),
      h('td', { class: 'number' }, Number(entry.overdue) > 0 ? h('strong', { class: 'overdue', text: entry.overdue }) : '0'),
    );
  });
  const table = h(
    'table',
    { class: 'summary-table', id: 'summary-table' },
    h('caption', { text: t().mapTableCaption }),
    h('thead', {}, h('tr', {}, [t().colUnit, t().colNew, t().colAssigned, t().colInProgress, t().colOpen, t().colOverdue].map((label) => h('th', { scope: 'col', text: label })))),
    h('tbody', {}, rows),
    queues.length > 1
      ? h(
          'tfoot',
          {},
          h('tr', {}, h('th', { scope: 'row', text: '∑' }), [total.new, total.assigned, total.inProgress, total.new + total.assigned + total.inProgress, total.overdue].map((value) => h('td', { class: 'number', text: value }))),
        )
      : null,
  );
  figure.replaceChildren(h('div', { class: 'map-layout' }, h('div', { class: 'map-canvas' }, chart), legend), h('p', { class: 'hint', text: t().mapAttribution }), table);
  figure.removeAttribute('aria-busy');
}

// ---- Start -----------------------------------------------------------------------------------

async function loadJson(url) {
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

async function start() {
  renderChrome();
  try {
    const [config, districts] = await Promise.all([loadJson('/config.json'), loadJson('districts.json')]);
    state.config = config;
    state.districts = Array.isArray(districts?.districts) ? districts.districts : [];
  } catch {
    renderSignIn(t().configError);
    return;
  }
  let signInMessage;
  const params = new URLSearchParams(location.search);
  if (state.config?.auth?.type === 'cognito' && (params.has('code') || params.has('error'))) signInMessage = await finishCognitoSignIn(params);
  const saved = sessionStorage.getItem(keys.token);
  if (!state.token && saved) setToken(saved);
  if (state.token && !tokenUsable(state.claims)) setToken(undefined);
  window.addEventListener('hashchange', () => route());
  renderChrome();
  if (state.token) route();
  else renderSignIn(signInMessage);
}

void start();
