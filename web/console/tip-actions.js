// The actions on a tip, each a form of its own with a result line: claim, assign (supervisor),
// transfer, change status, internal note, reply to the tipster, extend the deadline (supervisor).
// What the officer's role allows is shown; the API decides. The status changes offered are the
// tip's own `allowedStatusChanges`: the state machine lives on the server only.

import { errorContent } from './api.js';
import { officer } from './auth.js';
import { field, h, option } from './dom.js';
import { state, t } from './state.js';
import { nameOf, rejectionNames, statusNames } from './names.js';
import { allQueues, queueOptions } from './units.js';
import { incidentLinkOf } from './incident.js';

/** One action: a form in its own fieldset with a result line; `send` makes the request. */
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
          // A report linked into an incident meanwhile: the refusal links to the incident.
          if (error?.status !== 401) result.replaceChildren(...errorContent(error), ...incidentLinkOf(error));
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('fieldset', {}, h('legend', { text: title }), hint ? h('p', { class: 'hint', text: hint }) : null, controls, submit, result),
  );
  return form;
}

function claimAction(act) {
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
          if (error?.status !== 401) claimResult.replaceChildren(...errorContent(error), ...incidentLinkOf(error));
          claimButton.disabled = false;
        }
      },
    },
    t().claim,
  );
  return h('div', { class: 'action claim' }, claimButton, claimResult);
}

function statusAction(allowed, act) {
  // Nothing is chosen until the officer chooses: a status change is never one Enter away.
  const target = h('select', { name: 'status', required: true }, option('', t().chooseStatus, true), allowed.map((code) => option(code, nameOf(statusNames, code, state.language))));
  const rejection = h('select', { name: 'reason', required: true }, option('', t().chooseReason, true), Object.keys(rejectionNames).map((code) => option(code, nameOf(rejectionNames, code, state.language))));
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
    reasonField.hidden = rejecting || target.value === '';
  };
  target.addEventListener('change', sync);
  rejection.addEventListener('change', sync);
  sync();
  return actionForm({
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
  });
}

/**
 * The supervisor's choice of an officer of the tip's queue (GET /queue/officers), never a typed
 * name. `officers` is undefined when the list could not be had: then there is no assignment.
 */
function assignAction(tip, officers, act) {
  const choices = officers.filter((username) => username !== tip.assignee);
  if (choices.length === 0) return h('div', { class: 'action', id: 'assign-form' }, h('fieldset', {}, h('legend', { text: t().assignTitle }), h('p', { class: 'hint', text: t().noOfficers })));
  const assignee = h('select', { name: 'assignee', required: true }, option('', t().chooseOfficer, true), choices.map((username) => option(username, username)));
  return actionForm({ id: 'assign-form', title: t().assignTitle, button: t().assign, controls: field(t().assignee, assignee), send: () => act('assign', { assignee: assignee.value }) });
}

/**
 * The actions the officer may try on this tip. `act(suffix, body)` posts to the tip's action and
 * shows the answer. `officers` are the usernames a supervisor may assign the tip to. `transferTo(code)`,
 * when the tip can move, picks a unit in the transfer form.
 */
export function tipActions(tip, act, { officers } = {}) {
  const me = officer();
  const allowed = Array.isArray(tip.allowedStatusChanges) ? tip.allowedStatusChanges.filter((code) => typeof code === 'string') : [];
  // What the tip takes now comes with it (shared/tip/tip.ts): the console restates no rule.
  const takes = (action) => Array.isArray(tip.allowedActions) && tip.allowedActions.includes(action);
  const actions = [];
  let transferTo;
  if (takes('claim')) actions.push(claimAction(act));
  if (me.supervisor && Array.isArray(officers) && takes('assign')) actions.push(assignAction(tip, officers, act));
  if (takes('transfer')) {
    const targets = allQueues().filter((code) => code !== tip.queue);
    const to = h('select', { name: 'to', required: true }, option('', '—'), queueOptions(targets));
    const reason = h('textarea', { name: 'reason', required: true, minlength: '5', maxlength: '500', rows: '2' });
    transferTo = (code) => {
      to.value = code;
      reason.focus();
    };
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
  if (allowed.length > 0) actions.push(statusAction(allowed, act));
  {
    const text = h('textarea', { name: 'text', required: true, rows: '3', maxlength: '5000' });
    actions.push(actionForm({ id: 'note-form', title: t().noteTitle, hint: t().noteHint, button: t().addNote, controls: field(t().note, text), send: () => act('notes', { text: text.value }) }));
  }
  {
    const text = h('textarea', { name: 'text', required: true, rows: '3', maxlength: '1000' });
    actions.push(actionForm({ id: 'reply-form', title: t().replyTitle, hint: t().replyHint, button: t().sendReply, controls: field(t().reply, text), send: () => act('messages', { text: text.value }) }));
  }
  if (me.supervisor && takes('extendDeadline')) {
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
  return { actions, transferTo };
}
