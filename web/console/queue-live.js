// The queue keeps itself up to date while it is on screen: every few seconds, while the tab is
// visible, it asks for the page shown again and updates only the rows that changed (focus, text
// selection, the filters and the page stay as they are). It also watches the new urgent tips of
// the officer's own queues (their units, the city desk) and of the queue shown: a high-urgency tip
// that was not there at the last look is announced in a banner with a link to it, in an alert
// region that screen readers read out. The tips there at the first look are not announced.

import { announcedTips } from './alerts.js';
import { api } from './api.js';
import { officer } from './auth.js';
import { h, onLeave } from './dom.js';
import { cityQueue, defaultPageSize, state, t, tipHref } from './state.js';
import { categoryNames, nameOf } from './names.js';
import { queueParams } from './queue-export.js';
import { queueName } from './units.js';

/** How often the queue on screen is asked for again. */
export const queueRefreshMs = 10_000;
/** Announcements kept in the banner; older ones make way. */
const maxAnnouncements = 5;
/** Pages of urgent tips read per queue and look; more than this are not new work for one shift. */
const maxUrgentPages = 4;

/** The urgent new tips each watched queue had at its last look, for one officer. */
const seen = { officer: '', queues: new Map() };

/** Forgets what was seen (a new sign-in): the next look is a first look again. */
export function resetLive() {
  seen.officer = '';
  seen.queues = new Map();
}

function seenQueues(username) {
  if (seen.officer !== username) {
    seen.officer = username;
    seen.queues = new Map();
  }
  return seen.queues;
}

/** A queue is ordered by urgency, so its urgent new tips come first: read pages while they end with one. */
async function urgentTips(queue, firstPage) {
  const tips = [];
  let page = firstPage ?? (await api('GET', `/queue?${queueParams(queue, 'NEW', '', defaultPageSize)}`));
  for (let pages = 1; ; pages += 1) {
    const items = Array.isArray(page?.items) ? page.items : [];
    tips.push(...items.filter((item) => item.urgency === 'high'));
    if (!page.nextCursor || items.length === 0 || items.at(-1).urgency !== 'high' || pages >= maxUrgentPages) return tips;
    page = await api('GET', `/queue?${queueParams(queue, 'NEW', page.nextCursor, defaultPageSize)}`);
  }
}

const clock = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

/**
 * The banner of new urgent tips: an alert region (read out as each one is added) and a button
 * that clears it, outside the region so it is not read with every announcement.
 */
export function urgentBanner() {
  const region = h('div', { id: 'urgent-alerts', class: 'urgent-alerts', role: 'alert' });
  const dismiss = h(
    'button',
    {
      type: 'button',
      id: 'urgent-dismiss',
      class: 'small',
      hidden: true,
      onclick: () => {
        region.replaceChildren();
        dismiss.hidden = true;
      },
    },
    t().urgentDismiss,
  );
  const element = h('div', { class: 'urgent-banner' }, region, dismiss);
  return {
    element,
    /** Announces these tips, newest last. */
    add(tips) {
      if (tips.length === 0) return;
      for (const tip of tips) {
        // The alert feed (alerts.js) does not show it again on another view.
        announcedTips.add(tip.id);
        region.append(
          h(
            'p',
            { class: 'urgent-item', 'data-id': tip.id },
            h('span', { 'aria-hidden': 'true' }, '⚠ '),
            h('strong', { text: t().urgentNew(queueName(tip.queue)) }),
            ' ',
            h('a', { href: tipHref(tip.id) }, tip.registerNumber || tip.trackingCode),
            ` (${nameOf(categoryNames, tip.category, state.language)})`,
          ),
        );
      }
      while (region.children.length > maxAnnouncements) region.firstElementChild.remove();
      dismiss.hidden = false;
    },
  };
}

/**
 * Keeps the queue view of `path` up to date until the view goes (`stale`, or the next view's
 * onLeave). `page` is the answer already shown; `showPage` shows a newer one.
 */
export function liveQueue({ stale, path, queue, status, cursor, page, showPage, banner, updated }) {
  const me = officer();
  const known = seenQueues(me.username);
  const watched = [...new Set([...me.units, ...(me.cityDesk ? [cityQueue] : []), queue])];
  let timer;
  let stopped = false;
  const done = () => stopped || stale();

  /** Reads the urgent tips of every watched queue; announces those not seen at the last look. */
  const look = async (current) => {
    for (const code of watched) {
      const first = code === queue && status === 'NEW' && !cursor ? current : undefined;
      let tips;
      try {
        tips = await urgentTips(code, first);
      } catch {
        continue;
      }
      if (done()) return;
      const before = known.get(code);
      known.set(code, new Set(tips.map((tip) => tip.id)));
      if (before) banner.add(tips.filter((tip) => !before.has(tip.id)));
    }
  };
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    timer = undefined;
    document.removeEventListener('visibilitychange', onVisible);
  };
  const schedule = () => {
    if (done()) stop();
    else timer = setTimeout(() => void tick(), queueRefreshMs);
  };
  const tick = async () => {
    timer = undefined;
    if (done()) return stop();
    if (document.visibilityState === 'visible') {
      try {
        const next = await api('GET', path);
        if (done()) return stop();
        showPage(next);
        updated.textContent = t().updatedAt(clock.format(new Date()));
        await look(next);
      } catch (error) {
        if (done() || error?.status === 401) return stop();
        updated.textContent = t().updateFailed(clock.format(new Date()));
      }
    }
    schedule();
  };
  // Back in a tab that was hidden: look at once rather than at the next turn.
  const onVisible = () => {
    if (document.visibilityState !== 'visible' || timer === undefined) return;
    clearTimeout(timer);
    void tick();
  };
  document.addEventListener('visibilitychange', onVisible);
  onLeave(stop);
  updated.textContent = t().updatedAt(clock.format(new Date()));
  void look(page).then(schedule);
}
