// Urgent alerts, live: what the alert topic sent to the officer's queues (every queue for the city
// desk), shown on whatever view is open, as it arrives. Every few seconds, while the tab is
// visible, the console asks the feed (GET /alerts) for what was sent since its last look; an
// alert is added to an alert region that screen readers read out, with a link to the tip. The
// alerts sent before the first look are not announced. On the queue, whose own banner announces
// the new urgent tips of the queues it watches (queue-live.js), the feed waits, and shows later
// only what that banner did not announce.

import { api } from './api.js';
import { h } from './dom.js';
import { categoryNames, nameOf } from './names.js';
import { state, t, tipHref } from './state.js';

/** How often the feed is asked. */
export const alertPollMs = 4000;
/** Alerts kept on screen; older ones make way. */
const maxShown = 5;

/** Tips the queue's banner announced on this page. */
export const announcedTips = new Set();
/** Alerts received while the queue's banner was on screen, not yet shown. */
const pending = [];

const clock = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

const feed = { username: '', since: '', timer: undefined, running: false };

function region() {
  const container = document.getElementById('alert-feed');
  if (!container) return undefined;
  if (!container.firstElementChild) {
    const items = h('div', { id: 'alert-feed-items', class: 'alert-feed-items', role: 'alert' });
    const dismiss = h(
      'button',
      {
        type: 'button',
        id: 'alert-feed-dismiss',
        class: 'small',
        hidden: true,
        onclick: () => {
          items.replaceChildren();
          dismiss.hidden = true;
        },
      },
      t().alertFeedDismiss,
    );
    container.append(items, dismiss);
  }
  return { items: document.getElementById('alert-feed-items'), dismiss: document.getElementById('alert-feed-dismiss') };
}

function show(alerts) {
  pending.push(...alerts);
  const parts = region();
  if (!parts || document.getElementById('urgent-alerts')) return;
  for (const alert of pending.splice(0)) {
    if (announcedTips.has(alert.tipId) || parts.items.querySelector(`[data-id="${CSS.escape(alert.tipId)}"]`)) continue;
    const unit = state.language === 'en' ? alert.unitNameEn : alert.unitName;
    parts.items.append(
      h(
        'p',
        { class: 'alert-feed-item', 'data-id': alert.tipId },
        h('span', { 'aria-hidden': 'true' }, '🔔 '),
        h('strong', { text: t().alertFeedItem(unit) }),
        ' ',
        h('a', { href: tipHref(alert.tipId) }, alert.trackingCode),
        ` (${nameOf(categoryNames, alert.category, state.language)}, ${t().alertFeedReceived(clock.format(new Date(alert.receivedAt)))})`,
      ),
    );
  }
  while (parts.items.children.length > maxShown) parts.items.firstElementChild.remove();
  parts.dismiss.hidden = parts.items.children.length === 0;
}

async function look() {
  feed.timer = undefined;
  if (!feed.running) return;
  if (document.visibilityState === 'visible') {
    try {
      const first = feed.since === '';
      const answer = await api('GET', `/alerts${first ? '' : `?since=${encodeURIComponent(feed.since)}`}`);
      if (!feed.running) return;
      const alerts = Array.isArray(answer?.alerts) ? answer.alerts : [];
      if (typeof answer?.now === 'string') feed.since = answer.now;
      if (!first) show([...alerts].reverse());
    } catch (error) {
      if (error?.status === 401) return stopAlertFeed();
    }
  }
  if (feed.running) feed.timer = setTimeout(() => void look(), alertPollMs);
}

/** Watches the feed for the signed-in officer; a new officer starts with a first look again. */
export function startAlertFeed(username) {
  if (feed.running && feed.username === username) return;
  stopAlertFeed();
  Object.assign(feed, { username, since: '', running: true });
  void look();
}

/** Stops watching and clears what is shown (signing out). */
export function stopAlertFeed() {
  feed.running = false;
  clearTimeout(feed.timer);
  feed.timer = undefined;
  announcedTips.clear();
  pending.splice(0);
  document.getElementById('alert-feed')?.replaceChildren();
}
