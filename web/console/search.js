// Finding a unit by typing part of its name: a labelled search field and, under it, the
// matching units as a list of links to their queues. From the field, Enter opens the first
// result and the down arrow moves into the list; in the list the arrows, Home and End move
// between results and Escape goes back to the field. The number of results is announced.

import { h, uid } from './dom.js';
import { t } from './state.js';
import { findUnits, formerly, queueName, unitLevel } from './units.js';

/** Results shown at once; more are counted, and typing more narrows them. */
const shownResults = 8;

/**
 * The search among `codes` (unit codes and CITY); `hrefFor(code)` is where a result leads.
 * `id` names the field, so a page can hold two.
 */
export function unitSearch({ codes, hrefFor, id = uid('unit-search') }) {
  const inputId = `${id}-input`;
  const listId = `${id}-results`;
  const hintId = `${id}-hint`;
  const statusId = `${id}-status`;
  const input = h('input', {
    id: inputId,
    type: 'search',
    class: 'unit-search-input',
    autocomplete: 'off',
    autocapitalize: 'none',
    spellcheck: 'false',
    enterkeyhint: 'go',
    'aria-describedby': hintId,
    'aria-controls': listId,
  });
  const status = h('p', { class: 'search-status', id: statusId, role: 'status', 'aria-live': 'polite' });
  const list = h('ul', { class: 'search-results', id: listId, 'aria-label': t().searchResults, hidden: true });
  const links = () => [...list.querySelectorAll('a')];

  const update = () => {
    const { matches, total } = findUnits(input.value, codes, shownResults);
    list.replaceChildren(
      ...matches.map((code) =>
        h(
          'li',
          {},
          h('a', { href: hrefFor(code), 'data-code': code }, h('span', { class: 'result-name', text: queueName(code) }), ' ', h('span', { class: 'result-meta', text: [code, formerly(code)].filter(Boolean).join(' · ') })),
        ),
      ),
    );
    list.hidden = matches.length === 0;
    if (!input.value.trim()) status.textContent = '';
    else if (total === 0) status.textContent = t().searchNone;
    else status.textContent = t().searchFound(total, matches.length, queueName(matches[0]));
  };

  input.addEventListener('input', update);
  input.addEventListener('keydown', (event) => {
    const results = links();
    if (event.key === 'ArrowDown' && results.length > 0) {
      event.preventDefault();
      results[0].focus();
    } else if (event.key === 'Enter' && results.length > 0) {
      event.preventDefault();
      results[0].click();
    } else if (event.key === 'Escape' && input.value) {
      event.preventDefault();
      input.value = '';
      update();
    }
  });
  list.addEventListener('keydown', (event) => {
    const results = links();
    const at = results.indexOf(document.activeElement);
    if (at < 0) return;
    const move = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: results.length - 1 }[event.key];
    if (move !== undefined) {
      event.preventDefault();
      if (move < 0) input.focus();
      else results[Math.min(move, results.length - 1)].focus();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      input.focus();
    }
  });

  return h(
    'div',
    { class: 'unit-search', role: 'search' },
    h('label', { for: inputId, text: t().searchLabel }),
    h('p', { class: 'hint', id: hintId, text: t().searchHint(unitLevel()) }),
    input,
    status,
    list,
  );
}
