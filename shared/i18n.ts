import { attachmentLimits, type AttachmentContentType } from './attachments/attachment.ts';

/** Languages the citizen-facing parts of tinbao speak; Vietnamese first. */
export const languages = ['vi', 'en'] as const;

/** A supported language. */
export type Language = (typeof languages)[number];

/** Picks the first supported language from an Accept-Language header, or Vietnamese. */
export function languageFromAcceptHeader(header: string | undefined): Language {
  if (!header) return 'vi';
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const quality = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
      return { base: tag.split('-')[0] ?? '', quality: quality === undefined ? 1 : Number(quality), index };
    })
    .filter((entry) => entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const { base } of ranked) {
    if (base === 'vi' || base === 'en') return base;
  }
  return 'vi';
}

/** The allowed types as a citizen knows them; `satisfies` keeps the list in step with attachmentTypes. */
export const attachmentTypeNames = {
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/heic': 'HEIC',
  'image/webp': 'WebP',
  'video/mp4': 'MP4',
  'video/quicktime': 'MOV',
  'application/pdf': 'PDF',
} as const satisfies Record<AttachmentContentType, string>;

const allowedTypeList = Object.values(attachmentTypeNames).join(', ');
/** The size limit as a citizen reads it: 25 MB, not 25,000,000 bytes. */
const maxMegabytes = attachmentLimits.maxBytes / 1_000_000;

/**
 * Reasons a field of a submission can be refused, in both languages. `{n}` is filled in with the
 * limit, `{file}` with the name of the file the issue is about (and dropped with its quotes when
 * there is none).
 */
export const fieldReasons = {
  required: { vi: 'Thông tin này là bắt buộc.', en: 'This field is required.' },
  notText: { vi: 'Phải là văn bản.', en: 'Must be text.' },
  notNumber: { vi: 'Phải là một số.', en: 'Must be a number.' },
  notBoolean: { vi: 'Phải là có hoặc không.', en: 'Must be true or false.' },
  tooShort: { vi: 'Cần ít nhất {n} ký tự.', en: 'Must be at least {n} characters long.' },
  tooLong: { vi: 'Không được dài quá {n} ký tự.', en: 'Must be at most {n} characters long.' },
  invalidCharacter: {
    vi: 'Có ký tự không hợp lệ (một nửa cặp UTF-16 bị lẻ). Vui lòng gõ lại đoạn văn bản.',
    en: 'Contains an invalid character (an unpaired UTF-16 surrogate). Please retype the text.',
  },
  unknownUnit: { vi: 'Không có đơn vị (phường, xã, đặc khu) với mã này.', en: 'No unit (ward, commune, special zone) has this code.' },
  unknownCategory: { vi: 'Loại tội phạm không hợp lệ.', en: 'Not a known category.' },
  unknownLanguage: { vi: 'Ngôn ngữ phải là "vi" hoặc "en".', en: 'Language must be "vi" or "en".' },
  outsideCity: {
    vi: 'Vị trí nằm ngoài khu vực Thành phố Hồ Chí Minh.',
    en: 'The location is outside Ho Chi Minh City.',
  },
  latLonPair: {
    vi: 'Cần cả vĩ độ và kinh độ, hoặc bỏ trống cả hai.',
    en: 'Give both latitude and longitude, or neither.',
  },
  contactNeedsConsent: {
    vi: 'Chỉ ghi thông tin liên lạc khi bạn đồng ý để công an liên hệ.',
    en: 'Only give contact details when you agree to be contacted.',
  },
  contactRequired: {
    vi: 'Bạn đã đồng ý để công an liên hệ: hãy ghi số điện thoại hoặc email.',
    en: 'You agreed to be contacted: please give a phone number or email.',
  },
  badTrackingCode: {
    vi: 'Mã theo dõi có dạng TB-XXXX-XXXX.',
    en: 'A tracking code looks like TB-XXXX-XXXX.',
  },
  badSecret: {
    vi: 'Mã bí mật có 16 ký tự, dạng XXXX-XXXX-XXXX-XXXX.',
    en: 'The secret has 16 characters, like XXXX-XXXX-XXXX-XXXX.',
  },
  badPhone: { vi: 'Không phải số điện thoại hợp lệ.', en: 'Not a valid phone number.' },
  notDateTime: { vi: 'Phải là thời điểm theo ISO 8601, có múi giờ.', en: 'Must be an ISO 8601 date-time with a time zone.' },
  invalid: { vi: 'Giá trị không hợp lệ.', en: 'Invalid value.' },
  badFormToken: { vi: 'Mã biểu mẫu không hợp lệ. Hãy tải lại trang rồi gửi lại.', en: 'The form token is not valid. Reload the page and send again.' },
  notWholeNumber: { vi: 'Phải là số nguyên.', en: 'Must be a whole number.' },
  tooSmall: { vi: 'Phải từ {n} trở lên.', en: 'Must be at least {n}.' },
  tooLarge: { vi: 'Không được lớn hơn {n}.', en: 'Must be at most {n}.' },
  notApplicable: { vi: 'Không dùng thông tin này trong trường hợp này.', en: 'This field does not apply here.' },
  unknownStatus: { vi: 'Trạng thái không hợp lệ.', en: 'Not a known status.' },
  unknownQueue: { vi: 'Không có đơn vị hay hàng đợi với mã này.', en: 'No unit or queue has this code.' },
  sameQueue: { vi: 'Tin báo đã ở hàng đợi này.', en: 'The tip is already in this queue.' },
  notACandidate: { vi: 'Đơn vị này không nằm trong các gợi ý định tuyến của tin báo.', en: "This unit is not one of the tip's routing suggestions." },
  unknownOfficer: { vi: 'Không có cán bộ với tên đăng nhập này.', en: 'No officer has this username.' },
  officerCannotSee: { vi: 'Cán bộ này không được xem tin báo này.', en: 'This officer may not see this tip.' },
  unknownRejectionReason: {
    vi: 'Lý do từ chối phải là "false", "duplicate" hoặc "spam".',
    en: 'The rejection reason must be "false", "duplicate" or "spam".',
  },
  unknownTip: { vi: 'Không tìm thấy tin báo này.', en: 'No tip with this id that you may see.' },
  notList: { vi: 'Phải là một danh sách.', en: 'Must be a list.' },
  tooManyFiles: { vi: 'Chỉ gửi kèm tối đa {n} tệp.', en: 'Attach at most {n} files.' },
  fileTooLarge: { vi: `Tệp “{file}” lớn hơn ${maxMegabytes} MB.`, en: `The file “{file}” is larger than ${maxMegabytes} MB.` },
  fileTypeNotAllowed: {
    vi: `Tệp “{file}” không thuộc loại được nhận. Hãy gửi tệp ${allowedTypeList}.`,
    en: `The file “{file}” is not a type tinbao takes. Send ${allowedTypeList} files.`,
  },
  emptyFile: { vi: 'Tệp “{file}” không có nội dung.', en: 'The file “{file}” is empty.' },
  badFileName: {
    vi: 'Tên tệp có ký tự điều khiển hoặc ký tự đảo chiều chữ; hãy đổi tên tệp rồi gửi lại.',
    en: 'The file name contains control or text-direction characters; rename the file and send again.',
  },
} as const;

/** Why a field was refused; keys of the message table. */
export type FieldReason = keyof typeof fieldReasons;

/** A field's refusal reason in the given language, naming the file (`subject`) when there is one. */
export function describeFieldReason(reason: FieldReason, language: Language, limit?: number, subject?: string): string {
  const text = fieldReasons[reason][language].replace('{n}', String(limit ?? ''));
  // A function replacer, so a `$&` in a file name is taken literally.
  return subject === undefined ? text.replace(/ ?“\{file\}”/u, '') : text.replace('{file}', () => subject);
}

/** Tells whether a string names a known field reason. */
export function isFieldReason(value: string): value is FieldReason {
  return Object.hasOwn(fieldReasons, value);
}

/** Field names as a citizen sees them on the form. */
export const fieldLabels: Record<string, Record<Language, string>> = {
  text: { vi: 'Nội dung tin báo', en: 'What happened' },
  unit: { vi: 'Phường, xã, đặc khu', en: 'Ward, commune or special zone' },
  lat: { vi: 'Vĩ độ', en: 'Latitude' },
  lon: { vi: 'Kinh độ', en: 'Longitude' },
  category: { vi: 'Loại vụ việc', en: 'Category' },
  contactOptIn: { vi: 'Đồng ý được liên hệ', en: 'Agree to be contacted' },
  contact: { vi: 'Thông tin liên lạc', en: 'Contact' },
  language: { vi: 'Ngôn ngữ', en: 'Language' },
  code: { vi: 'Mã theo dõi', en: 'Tracking code' },
  secret: { vi: 'Mã bí mật', en: 'Secret' },
  body: { vi: 'Nội dung gửi lên', en: 'Request body' },
  attachments: { vi: 'Tệp đính kèm', en: 'Attachments' },
};

/** A text in every language tinbao speaks. */
export type Localized = Readonly<Record<Language, string>>;
