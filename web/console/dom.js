// The DOM helpers every view uses. Values from the server only ever become text nodes,
// textContent or attributes set through DOM APIs: nothing here parses HTML.

import { state, t } from './state.js';

/**
 * Creates an element. Strings among the children become text nodes; `text` sets textContent;
 * `on<event>` adds a listener; other props become attributes (false/undefined/null are skipped).
 */
export function h(tag, props = {}, ...children) {
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
export const uid = (prefix) => `${prefix}-${++idCounter}`;

/** A labelled form control: label, optional hint, control (wired with for/aria-describedby). */
export function field(labelText, control, hintText) {
  control.id ||= uid('field');
  const parts = [h('label', { for: control.id, text: labelText })];
  if (hintText) {
    const hintId = uid('hint');
    control.setAttribute('aria-describedby', hintId);
    parts.push(h('p', { class: 'hint', id: hintId, text: hintText }));
  }
  return h('div', { class: 'field' }, parts, control);
}

export function option(value, label, selected = false) {
  return h('option', { value, selected }, label);
}

/** A term and its description, for a <dl>. */
export function definition(term, ...value) {
  return [h('dt', { text: term }), h('dd', {}, ...value)];
}

/** Times in Ho Chi Minh City, 24-hour, whatever the officer's computer is set to. */
const timeFormats = {
  vi: new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
};

export function formatTime(value) {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value ?? '') : timeFormats[state.language].format(date);
}

export function timeElement(value) {
  return h('time', { datetime: String(value ?? '') }, formatTime(value));
}

/**
 * Says something to screen readers, in the header's live region, and shows it there too unless
 * the view shows it already (`seen: false`): one announcement, one place on screen.
 */
export function announce(message, { seen = true } = {}) {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.classList.toggle('unseen', !seen);
  region.textContent = message ?? '';
}

/** What the view on screen holds that must be let go when another replaces it (a map's WebGL context). */
const leaving = [];

/** Runs `dispose` when the next view replaces the current one. */
export function onLeave(dispose) {
  leaving.push(dispose);
}

/** Puts a view in <main>, titles the page, and moves focus to the view's heading. */
export function show(view, title, { focus = true } = {}) {
  for (const dispose of leaving.splice(0)) {
    try {
      dispose();
    } catch {
      // A view that cannot clean up must not stop the next one from showing.
    }
  }
  const main = document.getElementById('main');
  main.replaceChildren(view);
  document.title = `${title} – ${t().title}`;
  if (focus) view.querySelector('h1')?.focus();
}
