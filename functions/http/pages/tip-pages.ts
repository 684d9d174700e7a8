/** The citizen's tip form, its answer when something is wrong, and the receipt with the codes. */
import { attachmentContentTypes, attachmentLimits, attachmentTypes } from '../../../shared/attachments/attachment.ts';
import { categories } from '../../../shared/classification/types.ts';
import type { FieldIssue } from '../../../shared/errors.ts';
import { describeFieldReason, fieldLabels, type Language } from '../../../shared/i18n.ts';
import type { Jurisdiction } from '../../../shared/jurisdictions/index.ts';
import { contactMaxLength, tipTextLimits } from '../../../shared/tip/submission.ts';
import { escapeHtml, formatTime, layout, otherLanguage, prefix } from './layout.ts';
import { categoryNames } from '../../../shared/labels.ts';
import { text } from './strings.ts';

type Unit = Jurisdiction['units'][number];

/** What the citizen typed, as the form posted it: put back into the form when it is refused. */
export type FormValues = Readonly<Partial<Record<'text' | 'unit' | 'category' | 'lat' | 'lon' | 'contact' | 'contactOptIn' | 'formToken', string>>>;

/** The form again, with what was typed and why it was refused. */
export interface FormState {
  readonly values?: FormValues | undefined;
  readonly issues?: readonly FieldIssue[] | undefined;
}

const selected = (value: string, current: string | undefined): string => (value === current ? ' selected' : '');

/**
 * The units as form options: by the area people knew them by before (the old district), so a
 * list of 168 names stays easy to scan; a pack with one area is a flat list.
 */
function unitOptions(jurisdiction: Pick<Jurisdiction, 'units'>, language: Language, current: string | undefined): string {
  const t = text[language];
  const option = (unit: Unit) => `<option value="${escapeHtml(unit.code)}"${selected(unit.code, current)}>${escapeHtml(language === 'en' ? unit.nameEn : unit.name)}</option>`;
  const byName = (a: Unit, b: Unit) => a.name.localeCompare(b.name, 'vi', { numeric: true });
  const groups = new Map<string, Unit[]>();
  for (const unit of jurisdiction.units) groups.set(unit.group, [...(groups.get(unit.group) ?? []), unit]);
  if (groups.size <= 1) return [...jurisdiction.units].sort(byName).map(option).join('');
  return [...groups]
    .sort(([a], [b]) => a.localeCompare(b, 'vi', { numeric: true }))
    .map(([group, units]) => `<optgroup label="${escapeHtml(t.formerly(group))}">${units.sort(byName).map(option).join('')}</optgroup>`)
    .join('');
}

/** The list of what is wrong, field by field, each linking to its field. */
function issueList(language: Language, issues: readonly FieldIssue[]): string {
  const t = text[language];
  const items = issues
    .map((issue) => {
      const label = fieldLabels[issue.field]?.[language] ?? issue.field;
      const target = ['text', 'unit', 'category', 'lat', 'lon', 'contact'].includes(issue.field) ? issue.field : undefined;
      const name = target ? `<a href="#${target}">${escapeHtml(label)}</a>` : escapeHtml(label);
      return `<li><strong>${name}</strong>: ${escapeHtml(describeFieldReason(issue.reason, language, issue.limit))}</li>`;
    })
    .join('');
  return `<div class="errors" role="alert" id="errors"><p>${escapeHtml(t.errorIntro)}</p><ul>${items}</ul></div>`;
}

/** The reasons one field was refused, beside it. */
function fieldError(language: Language, issues: readonly FieldIssue[], field: string): { html: string; describedBy: string } {
  const mine = issues.filter((issue) => issue.field === field);
  if (mine.length === 0) return { html: '', describedBy: '' };
  const reasons = mine.map((issue) => describeFieldReason(issue.reason, language, issue.limit)).join(' ');
  return { html: `<p class="field-error" id="${field}-error">${escapeHtml(reasons)}</p>`, describedBy: ` ${field}-error` };
}

/** What the file picker accepts: the allowed types and their extensions (a phone's picker may know only one of them). */
const acceptedFiles = attachmentContentTypes.flatMap((type) => [type, ...attachmentTypes[type].extensions.map((extension) => `.${extension}`)]).join(',');

/**
 * The file picker, shown only by the form's script (web/assets/attachments.js): with files chosen
 * it sends the tip as JSON, then each file straight to the evidence bucket. Without JavaScript (or
 * in a browser too old for the script) it stays hidden and the form, a plain form post, says how
 * to attach files; the script hides that sentence, so it shows exactly when the picker does not.
 * The script's words and limits come from here, in the page's language, as data attributes
 * (never an inline script). The refusals it finds before sending are the API's own words.
 */
function attachmentPicker(language: Language): string {
  const t = text[language];
  const words = {
    tooMany: describeFieldReason('tooManyFiles', language, attachmentLimits.maxFiles),
    tooLarge: describeFieldReason('fileTooLarge', language, undefined, '{file}'),
    notAllowed: describeFieldReason('fileTypeNotAllowed', language, undefined, '{file}'),
    empty: describeFieldReason('emptyFile', language, undefined, '{file}'),
    chosen: t.fileChosen('{count}'),
    clearFiles: t.clearFiles,
    errorIntro: t.errorIntro,
    sending: t.sending,
    sendNetworkError: t.sendNetworkError,
    sendFailed: t.sendFailed,
    acceptedTitle: t.acceptedTitle,
    uploadsTitle: t.uploadsTitle,
    uploadWaiting: t.uploadWaiting,
    uploadProgress: t.uploadProgress('{percent}'),
    uploadDone: t.uploadDone,
    uploadFailed: t.uploadFailed('{reason}'),
    uploadTooLarge: t.uploadTooLarge,
    uploadExpired: t.uploadExpired,
    uploadRefused: t.uploadRefused('{code}'),
    uploadServerError: t.uploadServerError,
    uploadNetworkError: t.uploadNetworkError,
    uploadNotOpened: t.uploadNotOpened,
    uploadRetry: t.uploadRetry,
    uploadsDone: t.uploadsDone('{done}', '{total}'),
    uploadsSomeFailed: t.uploadsSomeFailed('{failed}'),
  };
  const labels = Object.fromEntries(Object.entries(fieldLabels).map(([field, label]) => [field, label[language]]));
  const data = [
    `data-max-files="${attachmentLimits.maxFiles}"`,
    `data-max-bytes="${attachmentLimits.maxBytes}"`,
    `data-types="${escapeHtml(JSON.stringify(Object.fromEntries(attachmentContentTypes.map((type) => [type, attachmentTypes[type].extensions]))))}"`,
    `data-words="${escapeHtml(JSON.stringify(words))}"`,
    `data-labels="${escapeHtml(JSON.stringify(labels))}"`,
  ].join(' ');
  return `<div id="attachments" hidden ${data}>
<label for="files">${escapeHtml(t.filesLabel)}</label>
<p class="hint" id="files-hint">${escapeHtml(t.filesHint)}</p>
<input type="file" id="files" multiple accept="${escapeHtml(acceptedFiles)}" aria-describedby="files-hint files-status">
<div id="files-status" aria-live="polite"></div>
</div>
<p class="hint" id="files-need-script">${escapeHtml(t.filesNeedScript)}</p>`;
}

/**
 * The citizen's tip form for a deployment's map. It works without JavaScript: a plain form POST
 * to /tips. Given a refused submission, it is the same form with what was typed kept and each
 * reason beside its field, so nothing the citizen wrote is lost.
 */
export function tipFormPage(language: Language, jurisdiction: Pick<Jurisdiction, 'units'>, state: FormState = {}): string {
  const t = text[language];
  const values = state.values ?? {};
  const issues = state.issues ?? [];
  const categoryOptions = categories
    .map((category) => `<option value="${category}"${selected(category, values.category)}>${escapeHtml(categoryNames[category][language])}</option>`)
    .join('');
  const error = (field: string) => fieldError(language, issues, field);
  const value = (field: keyof FormValues) => (values[field] !== undefined ? ` value="${escapeHtml(values[field] ?? '')}"` : '');
  const label = (field: string) => escapeHtml(fieldLabels[field]?.[language] ?? field);
  const title = issues.length > 0 ? t.errorTitle : t.formTitle;
  return layout(
    language,
    title,
    `<div id="tip-form-view"><h1>${escapeHtml(t.formTitle)}</h1>${issues.length > 0 ? issueList(language, issues) : `<p id="form-intro">${escapeHtml(t.formIntro)}</p>`}
<form method="post" action="/tips" accept-charset="utf-8" id="tip-form">
<input type="hidden" name="language" value="${language}">
<input type="hidden" name="formToken" id="form-token"${value('formToken')}>
<label for="text">${label('text')}</label>
<p class="hint" id="text-hint">${escapeHtml(t.textHint)}</p>${error('text').html}
<textarea id="text" name="text" required minlength="${tipTextLimits.min}" maxlength="${tipTextLimits.max}" aria-describedby="text-hint${error('text').describedBy}">${escapeHtml(values.text ?? '')}</textarea>
<label for="unit">${label('unit')}</label>${error('unit').html}
<select id="unit" name="unit"><option value="">${escapeHtml(t.unitUnknown)}</option>${unitOptions(jurisdiction, language, values.unit)}</select>
<label for="category">${label('category')}</label>${error('category').html}
<select id="category" name="category"><option value="">${escapeHtml(t.categoryUnknown)}</option>${categoryOptions}</select>
<fieldset><legend>${escapeHtml(t.where)}</legend>${error('lat').html}${error('lon').html}
<label for="lat">${label('lat')}</label><input id="lat" name="lat" inputmode="decimal" autocomplete="off"${value('lat')}>
<label for="lon">${label('lon')}</label><input id="lon" name="lon" inputmode="decimal" autocomplete="off"${value('lon')}>
<button type="button" class="secondary" id="use-location" hidden data-locating="${escapeHtml(t.locating)}" data-located="${escapeHtml(t.located)}" data-denied="${escapeHtml(t.locationDenied)}" data-failed="${escapeHtml(t.locationFailed)}">${escapeHtml(t.useLocation)}</button>
<p class="hint" id="location-status" role="status" aria-live="polite"></p>
</fieldset>
${attachmentPicker(language)}
<label><input type="checkbox" name="contactOptIn" value="on"${values.contactOptIn ? ' checked' : ''}>${escapeHtml(t.contactConsent)}</label>
<label for="contact">${label('contact')}</label>
<p class="hint" id="contact-hint">${escapeHtml(t.contactHint)}</p>${error('contact').html}
<input id="contact" name="contact" maxlength="${contactMaxLength}" autocomplete="off" aria-describedby="contact-hint${error('contact').describedBy}"${value('contact')}>
<button type="submit" id="submit-tip">${escapeHtml(t.submit)}</button>
</form>
<nav><a href="${prefix(language)}/status">${escapeHtml(t.statusLink)}</a></nav></div>
<template id="receipt-template">${receiptBody(language, { trackingCode: '', secret: '', receivedAt: '' }, 'inPlace')}</template>`,
    // Fills lat/lon from navigator.geolocation, draws the form's one-time token and (attachments.js,
    // which it loads) sends a tip with files; the page works without it.
    { script: 'location.js' },
  );
}

/** What the receipt shows: the codes, once the tip is safely queued. */
export interface TipReceipt {
  readonly trackingCode: string;
  readonly secret: string;
  readonly receivedAt: string;
}

/** Where the receipt lives: the page a form submission is redirected to (POST, then 303, then GET). */
export const receiptPath = '/tips/receipt';

/**
 * The page a form submission lands on: the tracking code and the secret, with ways to keep
 * them (copy, save as a file, print). Reloading it shows it again; it never sends the tip again.
 */
export function tipReceiptPage(language: Language, receipt: TipReceipt): string {
  return layout(language, text[language].acceptedTitle, receiptBody(language, receipt, 'page'), {
    script: 'receipt.js',
    switchLanguage: { href: receiptQuery(otherLanguage(language)) },
  });
}

/** The receipt page's own address, in a language, as a page or as the text file. */
const receiptQuery = (language: Language, format?: string) => `${receiptPath}?lang=${language}${format ? `&format=${format}` : ''}`;

/**
 * The receipt's markup: on its page (`page`), or as the tip form's template that the form's
 * script fills in place after sending a tip with files (`inPlace`): there the codes are not kept
 * in a cookie, so the hint says they are not shown again, and the file to save is made by the
 * script from the words on the save link.
 */
function receiptBody(language: Language, receipt: TipReceipt, variant: 'page' | 'inPlace'): string {
  const t = text[language];
  const save =
    variant === 'page'
      ? `href="${escapeHtml(receiptQuery(language, 'text'))}" download`
      : `href="#" download hidden data-file-title="${escapeHtml(t.receiptFileTitle)}" data-file-hint="${escapeHtml(t.receiptFileHint)}" data-code-label="${escapeHtml(t.codeLabel)}" data-secret-label="${escapeHtml(t.secretLabel)}" data-received-label="${escapeHtml(t.receivedAtLabel)}"`;
  return `<h1 tabindex="-1">${escapeHtml(t.acceptedTitle)}</h1><p>${escapeHtml(t.acceptedIntro)}</p>
<p>${escapeHtml(t.codeLabel)}:<br><span class="code" id="tracking-code">${escapeHtml(receipt.trackingCode)}</span></p>
<p>${escapeHtml(t.secretLabel)}:<br><span class="code" id="secret">${escapeHtml(receipt.secret)}</span></p>
<p class="hint">${escapeHtml(t.receivedAtLabel)}: <time id="received-at" datetime="${escapeHtml(receipt.receivedAt)}">${escapeHtml(formatTime(receipt.receivedAt, language))}</time></p>
<p class="hint">${escapeHtml(variant === 'page' ? t.keepHint : t.keepHintInPlace)}</p>
<div class="actions">
<button type="button" class="secondary" id="copy-codes" hidden data-copied="${escapeHtml(t.copied)}" data-failed="${escapeHtml(t.copyFailed)}">${escapeHtml(t.copyCodes)}</button>
<a class="no-print" ${save} id="save-codes">${escapeHtml(t.saveCodes)}</a>
<button type="button" class="secondary" id="print-codes" hidden>${escapeHtml(t.printCodes)}</button>
</div>
<p class="hint" id="copy-status" role="status" aria-live="polite"></p>${variant === 'inPlace' ? '\n<div id="uploads"></div>' : ''}
<nav><a href="${prefix(language)}/status">${escapeHtml(t.statusLink)}</a><a href="${prefix(language)}/">${escapeHtml(t.newTip)}</a></nav>`;
}

/** The receipt as a text file to save. */
export function tipReceiptText(language: Language, receipt: TipReceipt): string {
  const t = text[language];
  return [
    t.receiptFileTitle,
    '',
    `${t.codeLabel}: ${receipt.trackingCode}`,
    `${t.secretLabel}: ${receipt.secret}`,
    `${t.receivedAtLabel}: ${formatTime(receipt.receivedAt, language)}`,
    '',
    t.receiptFileHint,
    '',
  ].join('\r\n');
}

/** The receipt after its 30 minutes, or on another device: the tip is kept, the secret is not shown again. */
export function receiptGonePage(language: Language): string {
  const t = text[language];
  return layout(
    language,
    t.receiptGoneTitle,
    `<h1>${escapeHtml(t.receiptGoneTitle)}</h1><p>${escapeHtml(t.receiptGone)}</p>
<nav><a href="${prefix(language)}/status">${escapeHtml(t.statusLink)}</a><a href="${prefix(language)}/">${escapeHtml(t.newTip)}</a></nav>`,
    { switchLanguage: { href: `${receiptPath}?lang=${otherLanguage(language)}` } },
  );
}
