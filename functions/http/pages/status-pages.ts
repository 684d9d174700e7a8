/** The tipster's pages: the status form, the status with the conversation, and plain messages. */
import type { FieldIssue } from '../../../shared/errors.ts';
import { describeFieldReason, fieldLabels, type Language } from '../../../shared/i18n.ts';
import type { TipStatusView } from '../../../shared/usecases/get-tip-status.ts';
import { tipsterMessageLimits, type ConversationMessage } from '../../../shared/usecases/officers/citizen.ts';
import { escapeHtml, formatTime, layout, otherLanguage, prefix, type LanguageSwitch } from './layout.ts';
import { statusNames, text } from './strings.ts';

/**
 * The form a tipster uses to look up a tip: code and secret go in the body, never the URL.
 * Given a refused lookup, the code typed is kept (never the secret) with the reasons.
 */
export function statusFormPage(language: Language, state: { readonly code?: string | undefined; readonly issues?: readonly FieldIssue[] | undefined } = {}): string {
  const t = text[language];
  const issues = state.issues ?? [];
  const code = state.code !== undefined ? ` value="${escapeHtml(state.code)}"` : '';
  return layout(
    language,
    issues.length > 0 ? t.errorTitle : t.statusTitle,
    `<h1>${escapeHtml(t.statusTitle)}</h1>${issues.length > 0 ? issueSummary(language, issues) : ''}
<form method="post" action="/tips/status" accept-charset="utf-8">
<input type="hidden" name="language" value="${language}">
<label for="code">${escapeHtml(t.codeLabel)}</label><input id="code" name="code" required autocomplete="off" autocapitalize="characters" placeholder="TB-XXXX-XXXX"${code}>
<label for="secret">${escapeHtml(t.secretLabel)}</label><input id="secret" name="secret" type="password" required autocomplete="off" placeholder="XXXX-XXXX-XXXX-XXXX">
<button type="submit">${escapeHtml(t.statusSubmit)}</button></form>`,
    { switchLanguage: { href: `${prefix(otherLanguage(language))}/status` } },
  );
}

/** The tipster's status view, with the conversation when the handler read it. */
export type TipStatusPageView = TipStatusView & { readonly messages?: readonly ConversationMessage[] };

/** What else the status page needs besides the view. */
export interface TipStatusPageOptions {
  /**
   * The secret the tipster just typed, to post back (hidden) with a new message. Without it the
   * page shows no message form. The page is an answer to a POST and is never cached.
   */
  readonly secret?: string;
  /** Shown above the status: the tipster's message was just added. */
  readonly notice?: 'messageSent';
}

/** The messages between tipster and officers, oldest first, every text escaped. */
function conversationSection(language: Language, view: TipStatusPageView, options: TipStatusPageOptions): string {
  const t = text[language];
  const messages = [...(view.messages ?? [])].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const items = messages
    .map(
      (message) =>
        `<li class="from-${message.from === 'officer' ? 'officer' : 'tipster'}"><p class="who">${escapeHtml(message.from === 'officer' ? t.fromOfficer : t.fromTipster)}</p>` +
        `<p class="body">${escapeHtml(message.text)}</p><time datetime="${escapeHtml(message.at)}">${escapeHtml(formatTime(message.at, language))}</time></li>`,
    )
    .join('');
  const list = items ? `<ol class="messages" id="messages">${items}</ol>` : `<p id="messages">${escapeHtml(t.noMessages)}</p>`;
  let form = '';
  if (view.status === 'RECEIVED') form = `<p class="hint">${escapeHtml(t.pendingNote)}</p>`;
  else if (view.status === 'RESOLVED' || view.status === 'REJECTED') form = `<p class="hint">${escapeHtml(t.closedNote)}</p>`;
  else if (options.secret !== undefined) {
    form = `<form method="post" action="/tips/status/messages" accept-charset="utf-8">
<input type="hidden" name="language" value="${language}">
<input type="hidden" name="code" value="${escapeHtml(view.trackingCode)}">
<input type="hidden" name="secret" value="${escapeHtml(options.secret)}">
<label for="message-text">${escapeHtml(t.messageLabel)}</label>
<p class="hint" id="message-hint">${escapeHtml(t.messageHint)}</p>
<textarea id="message-text" name="text" required minlength="${tipsterMessageLimits.min}" maxlength="${tipsterMessageLimits.max}" aria-describedby="message-hint"></textarea>
<button type="submit">${escapeHtml(t.messageSubmit)}</button></form>`;
  }
  return `<section aria-labelledby="conversation-title"><h2 id="conversation-title">${escapeHtml(t.conversationTitle)}</h2>${list}${form}</section>`;
}

/**
 * A tip's status as the tipster sees it: status, unit, and (when the view has them) the
 * messages with the officers, oldest first, with a form to write back while the tip is open.
 */
export function tipStatusPage(language: Language, view: TipStatusPageView, options: TipStatusPageOptions = {}): string {
  const t = text[language];
  const notice = options.notice === 'messageSent' ? `<p class="notice" role="status" id="notice">${escapeHtml(t.messageSent)}</p>` : '';
  const conversation = view.messages !== undefined || options.secret !== undefined ? conversationSection(language, view, options) : '';
  const switchLanguage: LanguageSwitch =
    options.secret !== undefined
      ? { post: '/tips/status', fields: { code: view.trackingCode, secret: options.secret } }
      : { href: `${prefix(otherLanguage(language))}/status` };
  return layout(
    language,
    t.statusTitle,
    `<h1>${escapeHtml(t.statusTitle)}</h1>${notice}
<p>${escapeHtml(t.codeLabel)}: <span class="code">${escapeHtml(view.trackingCode)}</span></p>
<p>${escapeHtml(t.statusLabel)}: <strong id="status">${escapeHtml(statusNames[view.status][language])}</strong></p>
<p>${escapeHtml(t.unitLabel)}: <strong id="unit">${escapeHtml(view.unit?.name ?? t.pendingUnit)}</strong></p>
${conversation}
<nav><a href="${prefix(language)}/status">${escapeHtml(t.back)}</a></nav>`,
    { switchLanguage },
  );
}

/**
 * The answer to a tipster's message sent from the status page: it went through, and one button
 * (the code and secret posted again, never put in a URL) leads back to the conversation.
 */
export function tipMessageAddedPage(language: Language, tip: { readonly trackingCode: string; readonly secret: string }): string {
  const t = text[language];
  return layout(
    language,
    t.messageSentTitle,
    `<h1>${escapeHtml(t.messageSentTitle)}</h1><p class="notice" role="status" id="notice">${escapeHtml(t.messageSent)}</p>
<p>${escapeHtml(t.codeLabel)}: <span class="code">${escapeHtml(tip.trackingCode)}</span></p>
<form method="post" action="/tips/status" accept-charset="utf-8">
<input type="hidden" name="language" value="${language}">
<input type="hidden" name="code" value="${escapeHtml(tip.trackingCode)}">
<input type="hidden" name="secret" value="${escapeHtml(tip.secret)}">
<button type="submit">${escapeHtml(t.backToStatus)}</button></form>`,
  );
}

/** What is wrong with a submission, field by field. */
function issueSummary(language: Language, issues: readonly FieldIssue[]): string {
  const t = text[language];
  const items = issues
    .map((issue) => {
      const label = fieldLabels[issue.field]?.[language] ?? issue.field;
      return `<li><strong>${escapeHtml(label)}</strong>: ${escapeHtml(describeFieldReason(issue.reason, language, issue.limit))}</li>`;
    })
    .join('');
  return `<div class="errors" role="alert"><p>${escapeHtml(t.errorIntro)}</p><ul>${items}</ul></div>`;
}

/** A page listing what is wrong with a request no form of its own can show again. */
export function invalidSubmissionPage(language: Language, issues: readonly FieldIssue[]): string {
  const t = text[language];
  return layout(language, t.errorTitle, `<h1>${escapeHtml(t.errorTitle)}</h1>${issueSummary(language, issues)}
<p><a href="${prefix(language)}/">${escapeHtml(t.back)}</a></p>`);
}

/** A page for a request that could not be served: a plain message, nothing internal. */
export function messagePage(language: Language, kind: 'notFound' | 'serverError' | 'badRequest' | 'unavailable', detail?: string): string {
  const t = text[language];
  const title = kind === 'notFound' ? t.notFoundTitle : kind === 'serverError' ? t.serverErrorTitle : kind === 'unavailable' ? t.unavailableTitle : t.errorTitle;
  const message = kind === 'notFound' ? t.notFound : kind === 'serverError' ? `${t.serverError} ${detail ?? ''}` : (detail ?? '');
  return layout(language, title, `<h1>${escapeHtml(title)}</h1><p role="alert">${escapeHtml(message)}</p><p><a href="${prefix(language)}/">${escapeHtml(t.back)}</a></p>`);
}
