import { categories, type Category } from '../../shared/classification/types.ts';
import type { FieldIssue } from '../../shared/errors.ts';
import { describeFieldReason, fieldLabels, type Language } from '../../shared/i18n.ts';
import type { Jurisdiction } from '../../shared/jurisdictions/index.ts';
import { contactMaxLength, tipTextLimits } from '../../shared/tip/submission.ts';
import type { TipStatusView } from '../../shared/usecases/get-tip-status.ts';
import { tipsterMessageLimits, type ConversationMessage } from '../../shared/usecases/officers/citizen.ts';

/** Escapes text for HTML content and attribute values. Every dynamic value goes through it. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

const css = `
:root{color-scheme:light;--ink:#1a1a1a;--muted:#4a4a4a;--accent:#8b0000;--line:#c8c8c8;--bg:#fff}
*{box-sizing:border-box}body{margin:0;font:17px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
header{background:var(--accent);color:#fff;padding:.75rem 1rem}header a{color:#fff}
main{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.25rem 0}label{display:block;font-weight:600;margin-top:1rem}
.hint{color:var(--muted);font-size:.92rem;margin:.2rem 0}
textarea,input,select{width:100%;font:inherit;padding:.6rem;border:2px solid var(--line);border-radius:6px;background:#fff;color:var(--ink)}
textarea{min-height:10rem}input[type=checkbox]{width:auto;transform:scale(1.3);margin-right:.5rem}
:focus-visible{outline:3px solid #0050b3;outline-offset:2px}
button{margin-top:1.25rem;width:100%;font:inherit;font-weight:700;padding:.8rem;border:0;border-radius:6px;background:var(--accent);color:#fff;cursor:pointer}
.code{font:700 1.6rem/1.3 ui-monospace,Menlo,Consolas,monospace;letter-spacing:.06em;background:#f3f3f3;padding:.5rem .75rem;border-radius:6px;display:inline-block}
.errors{border:2px solid var(--accent);border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
nav a{margin-right:1rem}fieldset{border:1px solid var(--line);border-radius:6px;margin-top:1rem}
button.secondary{width:auto;background:#fff;color:var(--accent);border:2px solid var(--accent);padding:.5rem .9rem;margin-top:.75rem}
button[hidden]{display:none}
.notice{border:2px solid #1d6b2f;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
.messages{list-style:none;padding:0;margin:0}
.messages li{border-left:4px solid var(--line);padding:.4rem .75rem;margin:.6rem 0;background:#f7f7f7;border-radius:0 6px 6px 0}
.messages li.from-officer{border-left-color:var(--accent)}
.messages .who{font-weight:700;margin:0}.messages .body{white-space:pre-wrap;overflow-wrap:anywhere;margin:.2rem 0}
.messages time{color:var(--muted);font-size:.85rem}
h2{font-size:1.15rem;margin:1.5rem 0 .25rem}
`;

const text = {
  vi: {
    site: 'Tin báo tội phạm – Công an TP. Hồ Chí Minh',
    other: 'English',
    otherHref: '/en/',
    formTitle: 'Gửi tin báo tội phạm',
    formIntro: 'Bạn không cần cho biết tên. Sau khi gửi, bạn sẽ nhận mã theo dõi và mã bí mật để xem kết quả và trao đổi với công an mà không lộ danh tính.',
    textHint: `Mô tả sự việc: ở đâu, khi nào, ai, chuyện gì. Từ ${tipTextLimits.min} đến ${tipTextLimits.max} ký tự.`,
    unitUnknown: 'Không rõ – để công an xác định',
    formerly: (group: string) => `Khu vực ${group} cũ`,
    categoryUnknown: 'Không rõ',
    where: 'Vị trí GPS (không bắt buộc)',
    contactConsent: 'Tôi đồng ý để công an liên hệ với tôi',
    contactHint: 'Chỉ điền khi bạn đồng ý. Số điện thoại hoặc email.',
    submit: 'Gửi tin báo',
    acceptedTitle: 'Đã nhận tin báo của bạn',
    acceptedIntro: 'Hãy ghi lại hai mã dưới đây. Đây là lần duy nhất mã bí mật được hiển thị.',
    codeLabel: 'Mã theo dõi',
    secretLabel: 'Mã bí mật',
    statusLink: 'Xem tình trạng tin báo',
    newTip: 'Gửi tin báo khác',
    statusTitle: 'Tình trạng tin báo',
    statusSubmit: 'Xem tình trạng',
    statusLabel: 'Tình trạng',
    unitLabel: 'Đơn vị tiếp nhận',
    pendingUnit: 'Đang chuyển đến đơn vị phụ trách',
    errorTitle: 'Chưa gửi được',
    errorIntro: 'Vui lòng sửa các mục sau rồi gửi lại:',
    back: 'Quay lại',
    notFoundTitle: 'Không tìm thấy tin báo',
    notFound: 'Không có tin báo nào khớp với mã theo dõi và mã bí mật này. Hãy kiểm tra lại.',
    serverErrorTitle: 'Có lỗi xảy ra',
    serverError: 'Hệ thống đang gặp sự cố. Tin báo chưa được ghi nhận; vui lòng thử lại sau ít phút. Mã sự cố:',
    emergency: 'Nếu đang nguy hiểm, hãy gọi ngay 113.',
    useLocation: 'Dùng vị trí hiện tại của tôi',
    locating: 'Đang lấy vị trí…',
    located: 'Đã điền vị trí GPS. Bạn có thể sửa hoặc xoá.',
    locationDenied: 'Bạn chưa cho phép lấy vị trí. Bạn có thể nhập tay hoặc để trống.',
    locationFailed: 'Không lấy được vị trí. Bạn có thể nhập tay hoặc để trống.',
    conversationTitle: 'Trao đổi với công an',
    noMessages: 'Chưa có tin nhắn nào.',
    fromOfficer: 'Công an',
    fromTipster: 'Bạn',
    messageLabel: 'Gửi thêm thông tin cho công an',
    messageHint: `Tối đa ${tipsterMessageLimits.max} ký tự. Đừng ghi tên hay số điện thoại nếu bạn muốn giữ kín danh tính.`,
    messageSubmit: 'Gửi tin nhắn',
    messageSentTitle: 'Đã gửi tin nhắn',
    messageSent: 'Tin nhắn của bạn đã được gửi tới đơn vị đang xử lý tin báo.',
    backToStatus: 'Xem tình trạng và trao đổi',
    closedNote: 'Tin báo đã đóng nên không nhận thêm tin nhắn.',
    pendingNote: 'Khi tin báo đã được chuyển đến đơn vị phụ trách, bạn có thể gửi thêm tin nhắn tại đây.',
  },
  en: {
    site: 'Crime tips – Ho Chi Minh City Police',
    other: 'Tiếng Việt',
    otherHref: '/',
    formTitle: 'Report a crime',
    formIntro: 'You do not have to give your name. After sending you get a tracking code and a secret to follow your tip and talk with officers without revealing who you are.',
    textHint: `What happened: where, when, who, what. ${tipTextLimits.min} to ${tipTextLimits.max} characters.`,
    unitUnknown: 'Not sure – let the police decide',
    formerly: (group: string) => `Formerly ${group}`,
    categoryUnknown: 'Not sure',
    where: 'GPS location (optional)',
    contactConsent: 'I agree that the police may contact me',
    contactHint: 'Only if you agree. Phone number or email.',
    submit: 'Send tip',
    acceptedTitle: 'Your tip has been received',
    acceptedIntro: 'Write down both codes below. This is the only time the secret is shown.',
    codeLabel: 'Tracking code',
    secretLabel: 'Secret',
    statusLink: 'Check the status of a tip',
    newTip: 'Send another tip',
    statusTitle: 'Status of a tip',
    statusSubmit: 'Check status',
    statusLabel: 'Status',
    unitLabel: 'Handled by',
    pendingUnit: 'Being routed to the responsible unit',
    errorTitle: 'Not sent yet',
    errorIntro: 'Please correct the following and send again:',
    back: 'Go back',
    notFoundTitle: 'No tip found',
    notFound: 'No tip matches this tracking code and secret. Please check them.',
    serverErrorTitle: 'Something went wrong',
    serverError: 'The system has a problem. Your tip was not recorded; please try again in a few minutes. Incident id:',
    emergency: 'If you are in danger now, call 113.',
    useLocation: 'Use my current location',
    locating: 'Finding your location…',
    located: 'GPS location filled in. You can change or clear it.',
    locationDenied: 'Location permission was not given. You can type it or leave it empty.',
    locationFailed: 'Could not find your location. You can type it or leave it empty.',
    conversationTitle: 'Messages with the police',
    noMessages: 'No messages yet.',
    fromOfficer: 'Police',
    fromTipster: 'You',
    messageLabel: 'Send more information to the police',
    messageHint: `Up to ${tipsterMessageLimits.max} characters. Leave out your name and phone number if you want to stay anonymous.`,
    messageSubmit: 'Send message',
    messageSentTitle: 'Message sent',
    messageSent: 'Your message has been sent to the unit handling your tip.',
    backToStatus: 'See the status and messages',
    closedNote: 'This tip is closed and takes no more messages.',
    pendingNote: 'Once the tip has reached the responsible unit you can send more messages here.',
  },
} as const;

const categoryNames: Record<Category, Record<Language, string>> = {
  drugs: { vi: 'Ma túy', en: 'Drugs' },
  gambling: { vi: 'Cờ bạc', en: 'Gambling' },
  theft: { vi: 'Trộm cắp', en: 'Theft' },
  robbery: { vi: 'Cướp, cướp giật', en: 'Robbery, snatching' },
  fraud: { vi: 'Lừa đảo', en: 'Fraud' },
  violence: { vi: 'Đánh nhau, cố ý gây thương tích', en: 'Violence, assault' },
  weapons: { vi: 'Vũ khí', en: 'Weapons' },
  wanted_person: { vi: 'Đối tượng truy nã', en: 'Wanted person' },
  prostitution: { vi: 'Mại dâm', en: 'Prostitution' },
  illegal_residence: { vi: 'Cư trú bất hợp pháp', en: 'Illegal residence' },
  loan_sharking: { vi: 'Cho vay nặng lãi, tín dụng đen', en: 'Loan sharking' },
  street_racing: { vi: 'Đua xe trái phép', en: 'Street racing' },
  public_disorder: { vi: 'Gây rối trật tự công cộng', en: 'Public disorder' },
  other: { vi: 'Khác', en: 'Other' },
};

const statusNames: Record<TipStatusView['status'], Record<Language, string>> = {
  RECEIVED: { vi: 'Đã tiếp nhận, đang phân loại', en: 'Received, being sorted' },
  NEW: { vi: 'Đang chờ xử lý', en: 'Waiting for an officer' },
  ASSIGNED: { vi: 'Đã giao cán bộ xử lý', en: 'Assigned to an officer' },
  IN_PROGRESS: { vi: 'Đang xác minh', en: 'Being verified' },
  RESOLVED: { vi: 'Đã giải quyết', en: 'Resolved' },
  REJECTED: { vi: 'Đã đóng', en: 'Closed' },
};

function prefix(language: Language): string {
  return language === 'en' ? '/en' : '';
}

/**
 * The page around a body. `script` names one file under /assets/ the page loads as a module: the
 * pages' only scripts, allowed by `script-src 'self'`; every page works without them.
 */
function layout(language: Language, title: string, body: string, script?: string): string {
  const t = text[language];
  const scriptTag = script ? `<script type="module" src="/assets/${escapeHtml(script)}"></script>` : '';
  return `<!doctype html>
<html lang="${language}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} – ${escapeHtml(t.site)}</title><style>${css}</style>${scriptTag}</head>
<body><header><strong>${escapeHtml(t.site)}</strong> · <a href="${t.otherHref}" lang="${language === 'en' ? 'vi' : 'en'}">${t.other}</a></header>
<main>${body}
<p class="hint">${escapeHtml(t.emergency)}</p></main></body></html>`;
}

/**
 * The units as form options: by the area people knew them by before (the old district), so a
 * list of 168 names stays easy to scan; a pack with one area is a flat list.
 */
function unitOptions(jurisdiction: Pick<Jurisdiction, 'units'>, language: Language): string {
  const t = text[language];
  const option = (unit: Jurisdiction['units'][number]) => `<option value="${escapeHtml(unit.code)}">${escapeHtml(language === 'en' ? unit.nameEn : unit.name)}</option>`;
  const byName = (a: Jurisdiction['units'][number], b: Jurisdiction['units'][number]) => a.name.localeCompare(b.name, 'vi', { numeric: true });
  const groups = new Map<string, Jurisdiction['units'][number][]>();
  for (const unit of jurisdiction.units) groups.set(unit.group, [...(groups.get(unit.group) ?? []), unit]);
  if (groups.size <= 1) return [...jurisdiction.units].sort(byName).map(option).join('');
  return [...groups]
    .sort(([a], [b]) => a.localeCompare(b, 'vi', { numeric: true }))
    .map(([group, units]) => `<optgroup label="${escapeHtml(t.formerly(group))}">${units.sort(byName).map(option).join('')}</optgroup>`)
    .join('');
}

/** The citizen's tip form for a deployment's map. It works without JavaScript: a plain form POST to /tips. */
export function tipFormPage(language: Language, jurisdiction: Pick<Jurisdiction, 'units'>): string {
  const t = text[language];
  const categoryOptions = categories
    .map((category) => `<option value="${category}">${escapeHtml(categoryNames[category][language])}</option>`)
    .join('');
  return layout(
    language,
    t.formTitle,
    `<h1>${escapeHtml(t.formTitle)}</h1><p>${escapeHtml(t.formIntro)}</p>
<form method="post" action="/tips" accept-charset="utf-8">
<input type="hidden" name="language" value="${language}">
<label for="text">${escapeHtml(fieldLabels.text?.[language] ?? 'text')}</label>
<p class="hint" id="text-hint">${escapeHtml(t.textHint)}</p>
<textarea id="text" name="text" required minlength="${tipTextLimits.min}" maxlength="${tipTextLimits.max}" aria-describedby="text-hint"></textarea>
<label for="unit">${escapeHtml(fieldLabels.unit?.[language] ?? 'unit')}</label>
<select id="unit" name="unit"><option value="">${escapeHtml(t.unitUnknown)}</option>${unitOptions(jurisdiction, language)}</select>
<label for="category">${escapeHtml(fieldLabels.category?.[language] ?? 'category')}</label>
<select id="category" name="category"><option value="">${escapeHtml(t.categoryUnknown)}</option>${categoryOptions}</select>
<fieldset><legend>${escapeHtml(t.where)}</legend>
<label for="lat">${escapeHtml(fieldLabels.lat?.[language] ?? 'lat')}</label><input id="lat" name="lat" inputmode="decimal" autocomplete="off">
<label for="lon">${escapeHtml(fieldLabels.lon?.[language] ?? 'lon')}</label><input id="lon" name="lon" inputmode="decimal" autocomplete="off">
<button type="button" class="secondary" id="use-location" hidden data-locating="${escapeHtml(t.locating)}" data-located="${escapeHtml(t.located)}" data-denied="${escapeHtml(t.locationDenied)}" data-failed="${escapeHtml(t.locationFailed)}">${escapeHtml(t.useLocation)}</button>
<p class="hint" id="location-status" role="status" aria-live="polite"></p>
</fieldset>
<label><input type="checkbox" name="contactOptIn" value="on">${escapeHtml(t.contactConsent)}</label>
<label for="contact">${escapeHtml(fieldLabels.contact?.[language] ?? 'contact')}</label>
<p class="hint" id="contact-hint">${escapeHtml(t.contactHint)}</p>
<input id="contact" name="contact" maxlength="${contactMaxLength}" autocomplete="off" aria-describedby="contact-hint">
<button type="submit">${escapeHtml(t.submit)}</button>
</form>
<nav><a href="${prefix(language)}/status">${escapeHtml(t.statusLink)}</a></nav>`,
    // Fills lat/lon from navigator.geolocation; the button stays hidden without JavaScript.
    'location.js',
  );
}

/** The page a form submission lands on: the tracking code and the secret, shown once. */
export function tipAcceptedPage(language: Language, accepted: { trackingCode: string; secret: string }): string {
  const t = text[language];
  return layout(
    language,
    t.acceptedTitle,
    `<h1>${escapeHtml(t.acceptedTitle)}</h1><p>${escapeHtml(t.acceptedIntro)}</p>
<p>${escapeHtml(t.codeLabel)}:<br><span class="code" id="tracking-code">${escapeHtml(accepted.trackingCode)}</span></p>
<p>${escapeHtml(t.secretLabel)}:<br><span class="code" id="secret">${escapeHtml(accepted.secret)}</span></p>
<nav><a href="${prefix(language)}/status">${escapeHtml(t.statusLink)}</a><a href="${prefix(language)}/">${escapeHtml(t.newTip)}</a></nav>`,
  );
}

/** The form a tipster uses to look up a tip: code and secret go in the body, never the URL. */
export function statusFormPage(language: Language): string {
  const t = text[language];
  return layout(
    language,
    t.statusTitle,
    `<h1>${escapeHtml(t.statusTitle)}</h1>
<form method="post" action="/tips/status" accept-charset="utf-8">
<input type="hidden" name="language" value="${language}">
<label for="code">${escapeHtml(t.codeLabel)}</label><input id="code" name="code" required autocomplete="off" autocapitalize="characters" placeholder="TB-XXXX-XXXX">
<label for="secret">${escapeHtml(t.secretLabel)}</label><input id="secret" name="secret" type="password" required autocomplete="off" placeholder="XXXX-XXXX-XXXX-XXXX">
<button type="submit">${escapeHtml(t.statusSubmit)}</button></form>`,
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

/** Times in Ho Chi Minh City, 24-hour: `26/11/2026 14:05`, `26 Nov 2026, 14:05`. */
const timeFormats: Record<Language, Intl.DateTimeFormat> = {
  vi: new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
};

/** An instant as a person in Ho Chi Minh City reads it; the raw value if it is not a date. */
function formatTime(at: string, language: Language): string {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? at : timeFormats[language].format(date);
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
  return layout(
    language,
    t.statusTitle,
    `<h1>${escapeHtml(t.statusTitle)}</h1>${notice}
<p>${escapeHtml(t.codeLabel)}: <span class="code">${escapeHtml(view.trackingCode)}</span></p>
<p>${escapeHtml(t.statusLabel)}: <strong id="status">${escapeHtml(statusNames[view.status][language])}</strong></p>
<p>${escapeHtml(t.unitLabel)}: <strong id="unit">${escapeHtml(view.unit?.name ?? t.pendingUnit)}</strong></p>
${conversation}
<nav><a href="${prefix(language)}/status">${escapeHtml(t.back)}</a></nav>`,
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

/** A page listing what is wrong with a submission, field by field. */
export function invalidSubmissionPage(language: Language, issues: readonly FieldIssue[]): string {
  const t = text[language];
  const items = issues
    .map((issue) => {
      const label = fieldLabels[issue.field]?.[language] ?? issue.field;
      return `<li><strong>${escapeHtml(label)}</strong>: ${escapeHtml(describeFieldReason(issue.reason, language, issue.limit))}</li>`;
    })
    .join('');
  return layout(
    language,
    t.errorTitle,
    `<h1>${escapeHtml(t.errorTitle)}</h1><div class="errors" role="alert"><p>${escapeHtml(t.errorIntro)}</p><ul>${items}</ul></div>
<p><a href="${prefix(language)}/">${escapeHtml(t.back)}</a></p>`,
  );
}

/** A page for a request that could not be served: a plain message, nothing internal. */
export function messagePage(language: Language, kind: 'notFound' | 'serverError' | 'badRequest', detail?: string): string {
  const t = text[language];
  const title = kind === 'notFound' ? t.notFoundTitle : kind === 'serverError' ? t.serverErrorTitle : t.errorTitle;
  const message = kind === 'notFound' ? t.notFound : kind === 'serverError' ? `${t.serverError} ${detail ?? ''}` : (detail ?? '');
  return layout(language, title, `<h1>${escapeHtml(title)}</h1><p role="alert">${escapeHtml(message)}</p><p><a href="${prefix(language)}/">${escapeHtml(t.back)}</a></p>`);
}
