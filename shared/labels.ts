/**
 * The names of the domain's codes (categories, urgencies, statuses, channels, routing methods,
 * rejection and audit reasons, flags, audit events, attachment statuses and quarantine reasons)
 * in Vietnamese and English: the one source that the citizen pages, the officers' console
 * (through its config.json) and the API's messages read. Only plain text: pages escape it and the
 * console inserts it with textContent.
 */
import { attachmentStatuses, quarantineReasons, type AttachmentStatus, type QuarantineReason } from './attachments/attachment.ts';
import type { Category, RoutingMethod, Urgency } from './classification/types.ts';
import { categories, routingMethods, urgencies } from './classification/types.ts';
import type { Localized } from './i18n.ts';
import { duplicateReasons, type DuplicateReason } from './incidents/ports.ts';
import type { RejectionReason, TipEventType } from './officers/model.ts';
import { rejectionReasons, tipEventTypes } from './officers/model.ts';
import type { Channel, TipFlag } from './tip/envelope.ts';
import { channels, tipFlags } from './tip/envelope.ts';
import type { TipStatus } from './tip/tip.ts';
import { tipStatuses } from './tip/tip.ts';

/** One name per code of a code list. */
export type Names<Code extends string> = Readonly<Record<Code, Localized>>;

export const categoryNames: Names<Category> = {
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

export const urgencyNames: Names<Urgency> = {
  high: { vi: 'Khẩn', en: 'High' },
  normal: { vi: 'Thường', en: 'Normal' },
  low: { vi: 'Thấp', en: 'Low' },
};

/** Statuses as officers name them (citizens read their own words on the status page). */
export const statusNames: Names<TipStatus> = {
  NEW: { vi: 'Mới', en: 'New' },
  ASSIGNED: { vi: 'Đã giao', en: 'Assigned' },
  IN_PROGRESS: { vi: 'Đang xác minh', en: 'Being verified' },
  RESOLVED: { vi: 'Đã giải quyết', en: 'Resolved' },
  REJECTED: { vi: 'Đã đóng (loại)', en: 'Rejected' },
};

export const channelNames: Names<Channel> = {
  web: { vi: 'Trang web', en: 'Web form' },
  sms: { vi: 'Tin nhắn SMS', en: 'SMS' },
};

export const rejectionNames: Names<RejectionReason> = {
  false: { vi: 'Tin không đúng sự thật', en: 'False' },
  duplicate: { vi: 'Trùng tin báo khác', en: 'Duplicate' },
  spam: { vi: 'Tin rác, quấy rối', en: 'Spam' },
};

export const routingNames: Names<RoutingMethod> = {
  explicit: { vi: 'người báo chọn đơn vị', en: 'chosen by the tipster' },
  gps: { vi: 'theo vị trí GPS', en: 'by GPS point' },
  text: { vi: 'theo nội dung', en: 'by the text' },
  none: { vi: 'chưa xác định', en: 'undecided' },
};

/** Reasons the system records on its own audit events (shared/usecases). */
export const systemReasons = ['routing_candidate', 'urgency_raised'] as const;
export type SystemReason = (typeof systemReasons)[number];

export const reasonNames: Names<SystemReason> = {
  routing_candidate: { vi: 'Chọn từ các đơn vị gợi ý của hệ thống định tuyến', en: 'Chosen from the routing suggestions' },
  urgency_raised: { vi: 'Tin nhắn mới cho thấy nguy hiểm đang diễn ra: nâng mức khẩn', en: 'A new message says the danger is happening now: urgency raised' },
};

export const flagNames: Names<TipFlag> = {
  rate_limited: { vi: 'Người gửi vượt giới hạn tin/giờ', en: 'Sender over the hourly limit' },
  attachment_quarantined: { vi: 'Có tệp đính kèm bị cách ly', en: 'An attachment is quarantined' },
};

/** An attachment's status as officers read it beside the file. */
export const attachmentStatusNames: Names<AttachmentStatus> = {
  pending: { vi: 'Đang chờ tải lên hoặc kiểm tra', en: 'Waiting for upload or scan' },
  clean: { vi: 'Đã kiểm tra, đã xóa siêu dữ liệu', en: 'Scanned, metadata removed' },
  quarantined: { vi: 'Bị cách ly', en: 'Quarantined' },
  expired: { vi: 'Hết hạn, không có tệp', en: 'Expired, never uploaded' },
};

/** Why a file is quarantined; also the `reason` of its ATTACHMENT_QUARANTINED event. */
export const quarantineReasonNames: Names<QuarantineReason> = {
  typeMismatch: { vi: 'Nội dung không đúng loại tệp đã khai', en: 'Its content is not the declared type' },
  notAllowed: { vi: 'Nội dung không thuộc loại tệp được nhận', en: 'Its content is not a type tinbao takes' },
  tooLarge: { vi: 'Lớn hơn giới hạn hoặc hơn kích thước đã khai', en: 'Larger than the limit or than declared' },
  empty: { vi: 'Tệp rỗng', en: 'Empty file' },
  cannotClean: { vi: 'Không xóa được siêu dữ liệu một cách an toàn', en: 'Its metadata cannot be removed safely' },
};

export const eventNames: Names<TipEventType> = {
  CLASSIFIED: { vi: 'Phân loại, chuyển đơn vị', en: 'Classified and routed' },
  CLAIMED: { vi: 'Nhận xử lý', en: 'Claimed' },
  ASSIGNED: { vi: 'Giao xử lý', en: 'Assigned' },
  TRANSFERRED: { vi: 'Chuyển đơn vị', en: 'Transferred' },
  STATUS_CHANGED: { vi: 'Đổi tình trạng', en: 'Status changed' },
  NOTE_ADDED: { vi: 'Ghi chú nội bộ', en: 'Internal note' },
  OFFICER_MESSAGE: { vi: 'Cán bộ trả lời người báo', en: 'Reply to the tipster' },
  TIPSTER_MESSAGE: { vi: 'Tin nhắn của người báo', en: 'Message from the tipster' },
  DEADLINE_EXTENDED: { vi: 'Gia hạn xác minh', en: 'Deadline extended' },
  REPACKED: { vi: 'Chuyển sang đơn vị của bản đồ khác', en: "Moved to another map's units" },
  ATTACHMENT_QUARANTINED: { vi: 'Cách ly tệp đính kèm', en: 'Attachment quarantined' },
  ATTACHMENT_VIEWED: { vi: 'Xem tệp đính kèm', en: 'Attachment viewed' },
  ROUTED_BY_PHOTO: { vi: 'Chuyển đơn vị theo vị trí trong ảnh', en: 'Rerouted by the photo’s location' },
  REPORT_LINKED: { vi: 'Gộp tin báo vào một sự việc', en: 'Reports linked into one incident' },
  DUPLICATE_DISMISSED: { vi: 'Xác định không trùng sự việc', en: 'Marked as not the same incident' },
};

/** Why two tips look like reports of one incident (shared/incidents/ports.ts), as the console says it. */
export const duplicateReasonNames: Names<DuplicateReason> = {
  near_in_time: { vi: 'gần thời điểm', en: 'close in time' },
  near_in_place: { vi: 'gần địa điểm', en: 'close in place' },
  same_point: { vi: 'cùng vị trí GPS', en: 'the same GPS point' },
  similar_wording: { vi: 'nội dung tương tự', en: 'similar wording' },
};

/** Every table with the code list it names, so a test can prove each code has both names. */
export const labelTables = {
  categories: { codes: categories, names: categoryNames },
  urgencies: { codes: urgencies, names: urgencyNames },
  statuses: { codes: tipStatuses, names: statusNames },
  channels: { codes: channels, names: channelNames },
  rejections: { codes: rejectionReasons, names: rejectionNames },
  routing: { codes: routingMethods, names: routingNames },
  reasons: { codes: systemReasons, names: reasonNames },
  flags: { codes: tipFlags, names: flagNames },
  events: { codes: tipEventTypes, names: eventNames },
  attachmentStatuses: { codes: attachmentStatuses, names: attachmentStatusNames },
  quarantineReasons: { codes: quarantineReasons, names: quarantineReasonNames },
  duplicateReasons: { codes: duplicateReasons, names: duplicateReasonNames },
} as const;

/** The tables as the console reads them from its config.json: `{ categories: { drugs: { vi, en } }, ... }`. */
export function consoleLabels(): Readonly<Record<keyof typeof labelTables, Names<string>>> {
  return Object.fromEntries(Object.entries(labelTables).map(([table, { names }]) => [table, names])) as Record<keyof typeof labelTables, Names<string>>;
}
