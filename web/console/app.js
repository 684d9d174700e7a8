// The officers' console: sign-in (local identity provider or Cognito with PKCE), the queue with
// paging and CSV export, a tip with every action and its audit trail, and a map of open tips per
// unit. Plain ES modules, no build step, no framework. Every value from the server, tip text
// above all, is inserted with textContent or as an attribute through DOM APIs, never as HTML.
// The token's claims are decoded for display only: the API decides what an officer may see and do.
//
// This module loads the configuration and the pack's map file, draws the header, and shows the
// view the address names: queue.js, tip.js, map.js (sign-in in auth.js).

import { finishCognitoSignIn, isCognitoReturn, officer, renderSignIn, restoreSession, setAuthHooks, signedOutMessage, signOut, tokenUsable } from './auth.js';
import { startAlertFeed, stopAlertFeed } from './alerts.js';
import { h } from './dom.js';
import { renderMap } from './map.js';
import { setLabels } from './names.js';
import { resetLive } from './queue-live.js';
import { renderQueue } from './queue.js';
import { canSeeStatistics, renderStats } from './stats.js';
import { defaultPack, keys, parseRoute, setRouter, state, t } from './state.js';
import { renderTip } from './tip.js';
import { loadPack, queueName } from './units.js';

function renderChrome() {
  document.documentElement.lang = state.language;
  const signedIn = Boolean(state.token);
  const me = officer();
  const header = document.getElementById('top');
  const roles = [...me.units.map((code) => queueName(code)), me.cityDesk ? t().cityDesk : '', me.supervisor ? t().supervisor : ''].filter(Boolean);
  const current = parseRoute();
  const parts = [
    h(
      'a',
      {
        class: 'skip',
        href: '#main',
        onclick: (event) => {
          event.preventDefault();
          document.getElementById('main')?.focus();
        },
      },
      t().skip,
    ),
    h('span', { class: 'brand' }, t().brand),
    signedIn
      ? h(
          'nav',
          { 'aria-label': t().navLabel },
          h('a', { href: '#/queue', 'aria-current': current.view === 'queue' || current.view === 'tip' ? 'page' : false }, t().navQueue),
          h('a', { href: '#/map', 'aria-current': current.view === 'map' ? 'page' : false }, t().navMap),
          canSeeStatistics(me) ? h('a', { href: '#/stats', 'aria-current': current.view === 'stats' ? 'page' : false }, t().navStats) : null,
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

function route() {
  if (!state.token || !tokenUsable()) {
    if (state.token) signOut('expired');
    else renderSignIn();
    return;
  }
  renderChrome();
  startAlertFeed(officer().username);
  const current = parseRoute();
  const renderId = ++state.renderId;
  const stale = () => renderId !== state.renderId;
  if (current.view === 'tip') void renderTip(current.id, stale);
  else if (current.view === 'map') void renderMap(stale);
  else if (current.view === 'stats') void renderStats(current.params, stale);
  else void renderQueue(current.params, stale);
}

async function loadJson(url) {
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

async function start() {
  setRouter(route);
  setAuthHooks({
    signedIn: () => {
      // Another officer, or the same one again: the first look at the queues announces nothing.
      resetLive();
      renderChrome();
      route();
    },
    signedOut: (reason) => {
      stopAlertFeed();
      renderChrome();
      renderSignIn(signedOutMessage(reason));
    },
  });
  renderChrome();
  try {
    state.config = await loadJson('/config.json');
    // The names of the domain's codes come with the configuration (shared/labels.ts on the server).
    setLabels(state.config?.labels);
    // The deployment's pack names the map file: its units are the queues.
    await loadPack(typeof state.config?.pack === 'string' ? state.config.pack : defaultPack);
  } catch {
    renderSignIn(t().configError);
    return;
  }
  const params = new URLSearchParams(location.search);
  const signInMessage = isCognitoReturn(params) ? await finishCognitoSignIn(params) : undefined;
  restoreSession();
  window.addEventListener('hashchange', () => route());
  renderChrome();
  if (state.token) route();
  else renderSignIn(signInMessage);
}

void start();
