// A tip's evidence files in its detail: name, type, size, and where each is in the scan. A clean
// one opens in a new tab through a short-lived link the API signs for this officer (and audits);
// the console never shows a file itself, so its Content-Security-Policy names no bucket. A
// quarantined one is for evidence handlers only, and says why.

import { api, errorContent } from './api.js';
import { formatTime, h } from './dom.js';
import { attachmentStatusNames, nameOf, quarantineReasonNames } from './names.js';
import { state, t } from './state.js';

/** Sizes in decimal units, as the tipster's limit is stated (25 MB is 25,000,000 bytes). */
export function sizeText(bytes) {
  const value = Number(bytes);
  if (!Number.isFinite(value) || value < 0) return '';
  const numbers = new Intl.NumberFormat(state.language === 'en' ? 'en-GB' : 'vi-VN', { maximumFractionDigits: 1 });
  return value < 1_000_000 ? `${numbers.format(Math.max(value === 0 ? 0 : 1, Math.round(value / 1000)))} KB` : `${numbers.format(value / 1_000_000)} MB`;
}

/** A word from one of the console's tables of attachment words, or the code itself. */
function word(table, code) {
  return Object.hasOwn(table, code) ? table[code] : String(code ?? '');
}

/** A quarantine reason in words (also for the ATTACHMENT_QUARANTINED audit event); undefined for another code. */
export function quarantineReasonText(reason) {
  return Object.hasOwn(quarantineReasonNames, reason) ? nameOf(quarantineReasonNames, reason, state.language) : undefined;
}

/** The attachments of a tip's detail (`detail.attachments`), as the API lists them; none when it lists none. */
export function attachmentsOf(detail) {
  const list = Array.isArray(detail?.attachments) ? detail.attachments : Array.isArray(detail?.tip?.attachments) ? detail.tip.attachments : [];
  return list.filter((attachment) => attachment !== null && typeof attachment === 'object' && typeof attachment.id === 'string');
}

/** Asks for a link to the clean copy and opens it in a new tab; the link also stays beside the file. */
async function openAttachment(tipId, attachment, button, outcome) {
  button.disabled = true;
  outcome.replaceChildren(h('span', { text: t().attachmentOpening }));
  try {
    const answer = await api('GET', `/tips/${encodeURIComponent(tipId)}/attachments/${encodeURIComponent(attachment.id)}`);
    const url = typeof answer?.url === 'string' && /^https?:\/\//.test(answer.url) ? answer.url : undefined;
    if (!url) throw new Error('no link');
    // No opener, no referrer: the new tab cannot reach back into the console.
    window.open(url, '_blank', 'noopener,noreferrer');
    outcome.replaceChildren(
      h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', class: 'attachment-link', text: t().attachmentLink(attachment.fileName) }),
      answer.expiresAt ? h('span', { class: 'hint-inline', text: ` ${t().attachmentLinkExpires(formatTime(answer.expiresAt))}` }) : null,
    );
  } catch (error) {
    outcome.replaceChildren(h('div', { class: 'alert', role: 'alert' }, error?.status !== undefined ? errorContent(error) : h('p', { text: t().errorServer })));
  } finally {
    button.disabled = false;
  }
}

function attachmentItem(tipId, attachment) {
  const words = t();
  const status = String(attachment.status ?? 'pending');
  const type = String(attachment.type ?? '');
  const detected = attachment.detectedType && attachment.detectedType !== type ? words.attachmentDetected(String(attachment.detectedType)) : '';
  const outcome = h('div', { class: 'attachment-outcome', 'aria-live': 'polite' });
  let open = null;
  if (attachment.viewable === true && status === 'clean') {
    open = h('button', { type: 'button', class: 'attachment-open', 'aria-label': words.attachmentOpenLabel(attachment.fileName), text: words.attachmentOpen });
    open.addEventListener('click', () => openAttachment(tipId, attachment, open, outcome));
  }
  const refused = Number(attachment.refusedUploads) > 0 ? h('p', { class: 'attachment-refused', text: words.attachmentRefused(Number(attachment.refusedUploads)) }) : null;
  const reason = attachment.quarantineReason ? (quarantineReasonText(attachment.quarantineReason) ?? String(attachment.quarantineReason)) : '';
  return h(
    'li',
    { class: `attachment attachment-${status}`, 'data-attachment': attachment.id, 'data-status': status },
    h(
      'p',
      { class: 'attachment-head' },
      h('strong', { class: 'attachment-name', text: String(attachment.fileName ?? '') }),
      ` · ${word(words.attachmentKinds, attachment.kind)} (${type}${detected ? `; ${detected}` : ''}) · ${sizeText(attachment.size)} · `,
      h('span', { class: `badge attachment-status status-${status}`, text: nameOf(attachmentStatusNames, status, state.language) }),
    ),
    status === 'quarantined' ? h('p', { class: 'attachment-note', text: words.attachmentQuarantined(reason) }) : null,
    refused,
    open ? h('div', { class: 'attachment-actions' }, open, outcome) : null,
  );
}

/** The attachments section of a tip's detail; nothing for a tip without files. */
export function attachmentSection(tip, attachments) {
  if (attachments.length === 0) return null;
  return [
    h('h2', { text: t().attachmentsTitle }),
    h('ul', { class: 'attachments', id: 'attachments' }, attachments.map((attachment) => attachmentItem(tip.id, attachment))),
  ];
}
