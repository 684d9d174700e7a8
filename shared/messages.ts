/**
 * What the API says when it refuses a request, in Vietnamese and English. The HTTP edge
 * (functions/http/errors.ts) answers in the request's language; `{name}` is filled in, with a
 * Localized value in the same language. Never tip text, contact details or secrets.
 */
import type { Language, Localized } from './i18n.ts';
import { languages } from './i18n.ts';

export const errorMessages = {
  notFound: { vi: 'Không tìm thấy địa chỉ này.', en: 'Not found.' },
  tipNotFound: { vi: 'Không có tin báo nào với mã này mà bạn được xem.', en: 'No tip with this id that you may see.' },
  codeAndSecretMismatch: { vi: 'Không có tin báo nào khớp với mã theo dõi và mã bí mật này.', en: 'No tip matches this code and secret.' },
  formBeingSent: {
    vi: 'Biểu mẫu này đang được gửi. Hãy đợi một chút rồi xem tình trạng tin báo.',
    en: 'This form is being sent already. Wait a moment, then check the status of your tip.',
  },
  alreadyClaimed: { vi: 'Cán bộ khác đã nhận xử lý tin báo này.', en: 'Another officer has already taken this tip.' },
  reassignInProgress: {
    vi: 'Tin báo đang được xác minh nên không giao lại được; hãy chuyển đơn vị nếu cần.',
    en: 'Work on this tip has started; it can no longer be reassigned. Transfer it instead.',
  },
  statusHolderOnly: {
    vi: 'Chỉ cán bộ đang giữ tin báo hoặc lãnh đạo mới đổi được tình trạng.',
    en: 'Only the officer holding this tip or a supervisor may change its status.',
  },
  invalidTransition: {
    vi: 'Tin báo ở tình trạng "{from}" không thể chuyển sang "{to}"; chỉ có thể chuyển sang: {allowed}.',
    en: 'A tip that is "{from}" cannot become "{to}"; it can become: {allowed}.',
  },
  closedTransition: {
    vi: 'Tin báo ở tình trạng "{from}" đã đóng, không thể chuyển sang "{to}".',
    en: 'A tip that is "{from}" is closed and cannot become "{to}".',
  },
  extensionLimit: { vi: 'Hạn xác minh của một tin báo được gia hạn tối đa {n} lần.', en: 'The deadline of a tip can be extended at most {n} times.' },
  queueForbidden: { vi: 'Bạn không được xem hàng đợi này.', en: 'You may not see this queue.' },
  supervisorOnly: { vi: 'Chỉ lãnh đạo mới được {action}.', en: 'Only a supervisor may {action}.' },
  closedTip: { vi: 'Tin báo đã đóng: không thể {action}.', en: 'The tip is closed: it cannot be {action}.' },
  concurrentChange: { vi: 'Tin báo vừa được người khác thay đổi. Hãy tải lại rồi thử lại.', en: 'The tip was changed by someone else. Reload it and try again.' },
  notReady: { vi: 'Tin báo đang được chuyển đến đơn vị. Vui lòng thử lại sau một phút.', en: 'The tip is still being routed. Please try again in a minute.' },
  linkedReport: {
    vi: 'Tin báo này đã được gộp vào sự việc {incident}; mọi thao tác xử lý làm trên tin báo chính của sự việc.',
    en: 'This tip is a report of incident {incident}; it is worked on through the incident’s main tip.',
  },
  incidentFull: { vi: 'Một sự việc gộp được tối đa {n} tin báo ngoài tin báo chính.', en: 'An incident takes at most {n} reports besides its main tip.' },
  alreadyLinked: { vi: 'Hai tin báo này đã được gộp vào cùng một sự việc.', en: 'These two tips are already reports of one incident.' },
  noSuchDuplicate: { vi: 'Hai tin báo này không được gợi ý là trùng nhau.', en: 'These two tips were not suggested as duplicates.' },
  closedForMessages: { vi: 'Tin báo đã đóng và không nhận thêm tin nhắn.', en: 'The tip is closed and takes no more messages.' },
  forbidden: { vi: 'Bạn không có quyền thực hiện thao tác này.', en: 'You do not have the role for this action.' },
  tooManyRequests: { vi: 'Quá nhiều yêu cầu. Vui lòng thử lại sau.', en: 'Too many requests. Please try again later.' },
  payloadTooLarge: { vi: 'Nội dung gửi lên dài quá {n} byte.', en: 'The request body is larger than {n} bytes.' },
  unsupportedMediaType: { vi: 'Hãy gửi nội dung dạng {types}.', en: 'Send the body as {types}.' },
  emptyBody: { vi: 'Nội dung gửi lên trống; hãy gửi một đối tượng JSON.', en: 'The body is empty; send a JSON object.' },
  notJson: { vi: 'Nội dung gửi lên không phải JSON hợp lệ.', en: 'The body is not valid JSON.' },
  invalidFields: { vi: 'Một số thông tin không hợp lệ.', en: 'Some fields are invalid.' },
  missingSignature: { vi: 'Thiếu tiêu đề {header}.', en: 'The {header} header is missing.' },
  badSignature: { vi: 'Tiêu đề {header} không khớp với nội dung.', en: 'The {header} header does not match the body.' },
  badTwilioSignature: { vi: 'Tiêu đề {header} không khớp với địa chỉ và nội dung.', en: 'The {header} header does not match this URL and body.' },
  malformedTimestamp: { vi: 'Tiêu đề {header} phải là thời gian Unix tính bằng giây.', en: 'The {header} header must be Unix time in seconds.' },
  staleTimestamp: { vi: 'Tiêu đề {header} lệch quá 5 phút so với đồng hồ máy chủ.', en: "The {header} header is more than 5 minutes from the server's clock." },
  alreadyProcessing: { vi: 'Tin nhắn này đang được xử lý; hãy thử lại sau vài giây.', en: 'This message is being processed; retry in a few seconds.' },
  signIn: { vi: 'Hãy đăng nhập: gửi mã truy cập dạng "Authorization: Bearer <mã>".', en: 'Sign in: send the access token as "Authorization: Bearer <token>".' },
  bearerOnly: { vi: 'Hãy gửi mã truy cập dạng "Authorization: Bearer <mã>".', en: 'Send the access token as "Authorization: Bearer <token>".' },
  tokenExpired: { vi: 'Mã truy cập đã hết hạn: hãy đăng nhập lại.', en: 'The access token has expired: sign in again.' },
  tokenInvalid: { vi: 'Mã truy cập không hợp lệ: hãy đăng nhập lại.', en: 'The access token is not valid: sign in again.' },
  attachmentNotFound: { vi: 'Tin báo này không có tệp đính kèm với mã này.', en: 'This tip has no attachment with this id.' },
  attachmentNotViewable: {
    vi: 'Chưa mở được tệp đính kèm này (tình trạng: {status}).',
    en: 'This attachment cannot be opened (status: {status}).',
  },
  internalError: { vi: 'Lỗi hệ thống.', en: 'Internal error.' },
  unavailable: {
    vi: 'Hệ thống tạm thời gián đoạn; yêu cầu chưa được thực hiện. Vui lòng thử lại sau ít giây.',
    en: 'The service is briefly unavailable; your request was not carried out. Please try again in a few seconds.',
  },
} as const satisfies Record<string, Localized>;

/** Actions named in refusals ("Only a supervisor may …", "it cannot be …"). */
export const actionWords = {
  assignTips: { vi: 'giao tin báo', en: 'assign tips' },
  extendDeadlines: { vi: 'gia hạn xác minh', en: 'extend deadlines' },
  listQueueOfficers: { vi: 'xem danh sách cán bộ của hàng đợi', en: 'list the officers of a queue' },
  claimed: { vi: 'nhận xử lý', en: 'claimed' },
  assigned: { vi: 'giao xử lý', en: 'assigned' },
  transferred: { vi: 'chuyển đơn vị', en: 'transferred' },
  extended: { vi: 'gia hạn', en: 'given a longer deadline' },
  linked: { vi: 'gộp vào sự việc', en: 'linked into an incident' },
} as const satisfies Record<string, Localized>;

export type ErrorMessage = keyof typeof errorMessages;
export type ActionWord = keyof typeof actionWords;

/** A value put into a message: the same in every language, or its own per language. */
export type MessageValue = string | number | Localized;

/** A message of the catalogue in every language, with its `{name}` placeholders filled in. */
export function errorText(key: ErrorMessage, values: Readonly<Record<string, MessageValue>> = {}): Localized {
  return localize(errorMessages[key], values);
}

/** Fills `{name}` placeholders of a Localized template, each language with its own values. */
export function localize(template: Localized, values: Readonly<Record<string, MessageValue>>): Localized {
  const fill = (language: Language) =>
    template[language].replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = values[name];
      if (value === undefined) return whole;
      return typeof value === 'object' ? value[language] : String(value);
    });
  return Object.fromEntries(languages.map((language) => [language, fill(language)])) as Record<Language, string>;
}

/** A list of Localized values joined in each language ("A, B hoặc C" / "A, B or C"). */
export function joinLocalized(values: readonly Localized[]): Localized {
  const join = (language: Language) => {
    const words = values.map((value) => value[language]);
    const or = language === 'vi' ? ' hoặc ' : ' or ';
    return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')}${or}${words.at(-1)}`;
  };
  return Object.fromEntries(languages.map((language) => [language, join(language)])) as Record<Language, string>;
}
