// What every view of the console shares: the session's state, the words in the officer's
// language, the workflow's constants (for display only: the API decides), and the routes.

import { strings } from './strings.js';

export const keys = {
  token: 'tinbao.console.token',
  pkce: 'tinbao.console.pkce',
  language: 'tinbao.console.language',
};

/** The statuses the queue filter lists, in the order of the work. */
export const allStatuses = ['NEW', 'ASSIGNED', 'IN_PROGRESS', 'RESOLVED', 'REJECTED'];
/** The queue of the city duty desk: every tip no unit can safely claim. */
export const cityQueue = 'CITY';
/** The map in force, when config.json names none. */
export const defaultPack = 'hcmc-2025';
/** Rows per page the officer may choose; the API allows 1 to 100. */
export const pageSizes = [10, 25, 50, 100];
export const defaultPageSize = 25;
/** Rows per request when exporting; the API's maximum page. */
export const exportPageSize = 100;
/** The export stops here, so a runaway queue cannot hang the browser. */
export const maxExportRows = 20000;

export const state = {
  language: localStorage.getItem(keys.language) === 'en' ? 'en' : 'vi',
  config: undefined,
  token: undefined,
  claims: undefined,
  /** The pack (map) of the deployment, from config.json. */
  pack: defaultPack,
  /** The pack's map file: a GeoJSON FeatureCollection, one feature per unit. */
  map: undefined,
  /** The pack's units in the map file's order: { code, name, nameEn, group, label }. */
  units: [],
  /** Cursors of the pages seen of one queue and status: pages[n - 1] opens page n. */
  paging: { key: '', cursors: [''] },
  /** Increases with each navigation, so a slow answer for an old view is dropped. */
  renderId: 0,
};

/** The words in the officer's language. */
export const t = () => strings[state.language];

/** The hash of a queue's page. */
export function queueHref(queue, status = 'NEW', page = 1, limit = defaultPageSize) {
  const params = new URLSearchParams({ queue, status });
  if (limit !== defaultPageSize) params.set('limit', String(limit));
  if (page > 1) params.set('page', String(page));
  return `#/queue?${params}`;
}

/** The hash of the statistics view for a period and unit (each left out when empty). */
export function statsHref({ from = '', to = '', unit = '' } = {}) {
  const params = new URLSearchParams(Object.entries({ from, to, unit }).filter(([, value]) => value));
  return params.size > 0 ? `#/stats?${params}` : '#/stats';
}

export function tipHref(id) {
  return `#/tip/${encodeURIComponent(id)}`;
}

/** The view the address asks for. */
export function parseRoute() {
  const hash = location.hash.replace(/^#/, '');
  const [path, query = ''] = hash.split('?');
  const params = new URLSearchParams(query);
  if (path.startsWith('/tip/')) return { view: 'tip', id: decodeURIComponent(path.slice('/tip/'.length)), params };
  if (path === '/map') return { view: 'map', params };
  if (path === '/stats') return { view: 'stats', params };
  return { view: 'queue', params };
}

let router = () => undefined;

/** app.js gives the function that shows the view of the address. */
export function setRouter(route) {
  router = route;
}

/** Shows the view of the address again (after sign-in, or the same filter chosen again). */
export function rerender() {
  router();
}
