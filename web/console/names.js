// The names of the API's codes (statuses, categories, events, errors...) in Vietnamese and
// English. Only plain text: every string is inserted with textContent, never parsed as HTML.

export const statusNames = {
  NEW: { vi: 'Mới', en: 'New' },
  ASSIGNED: { vi: 'Đã giao', en: 'Assigned' },
  IN_PROGRESS: { vi: 'Đang xác minh', en: 'Being verified' },
  RESOLVED: { vi: 'Đã giải quyết', en: 'Resolved' },
  REJECTED: { vi: 'Đã đóng (loại)', en: 'Rejected' },
};

export const urgencyNames = {
  high: { vi: 'Khẩn', en: 'High' },
  normal: { vi: 'Thường', en: 'Normal' },
  low: { vi: 'Thấp', en: 'Low' },
};

export const categoryNames = {
  drugs: { vi: 'Ma túy', en: 'Drugs' },
  gambling: { vi: 'Cờ bạc', en: 'Gambling' },
  theft: { vi: 'Trộm cắp', en: 'Theft' },
  robbery: { vi: 'Cướp, cướp giật', en: 'Robbery, snatching' },
  fraud: { vi: 'Lừa đảo', en: 'Fraud' },
  violence: { vi: 'Đánh nhau, gây thương tích', en: 'Violence, assault' },
  weapons: { vi: 'Vũ khí', en: 'Weapons' },
  wanted_person: { vi: 'Đối tượng truy nã', en: 'Wanted person' },
  prostitution: { vi: 'Mại dâm', en: 'Prostitution' },
  illegal_residence: { vi: 'Cư trú bất hợp pháp', en: 'Illegal residence' },
  loan_sharking: { vi: 'Tín dụng đen', en: 'Loan sharking' },
  street_racing: { vi: 'Đua xe trái phép', en: 'Street racing' },
  public_disorder: { vi: 'Gây rối trật tự', en: 'Public disorder' },
  other: { vi: 'Khác', en: 'Other' },
};

export const channelNames = {
  web: { vi: 'Trang web', en: 'Web form' },
  sms: { vi: 'SMS', en: 'SMS' },
};

export const rejectionNames = {
  false: { vi: 'Tin không đúng sự thật', en: 'False' },
  duplicate: { vi: 'Trùng tin báo khác', en: 'Duplicate' },
  spam: { vi: 'Tin rác, quấy rối', en: 'Spam' },
};

export const routingNames = {
  explicit: { vi: 'người báo chọn đơn vị', en: 'chosen by the tipster' },
  gps: { vi: 'theo vị trí GPS', en: 'by GPS point' },
  text: { vi: 'theo nội dung', en: 'by the text' },
  none: { vi: 'chưa xác định', en: 'undecided' },
};

/** Reasons the system records on its own events (shared/usecases): in words, not codes. */
export const reasonNames = {
  routing_candidate: { vi: 'Chọn từ các đơn vị gợi ý của hệ thống định tuyến', en: 'Chosen from the routing suggestions' },
  urgency_raised: { vi: 'Tin nhắn mới cho thấy nguy hiểm đang diễn ra: nâng mức khẩn', en: 'A new message says the danger is happening now: urgency raised' },
};

export const flagNames = {
  rate_limited: { vi: 'Người gửi vượt giới hạn tin/giờ', en: 'Sender over the hourly limit' },
};

export const eventNames = {
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
};

export const fieldNames = {
  text: { vi: 'Nội dung', en: 'Text' },
  reason: { vi: 'Lý do', en: 'Reason' },
  note: { vi: 'Ghi chú', en: 'Note' },
  assignee: { vi: 'Cán bộ', en: 'Officer' },
  to: { vi: 'Chuyển đến', en: 'Transfer to' },
  status: { vi: 'Tình trạng', en: 'Status' },
  duplicateOf: { vi: 'Tin báo gốc', en: 'Original tip' },
  days: { vi: 'Số ngày', en: 'Days' },
  queue: { vi: 'Hàng đợi', en: 'Queue' },
  cursor: { vi: 'Trang', en: 'Page' },
};

/** The API's error codes in the officer's language; others show the server's own message. */
export const errorMessages = {
  already_claimed: { vi: 'Cán bộ khác đã nhận xử lý tin báo này.', en: 'Another officer has already taken this tip.' },
  in_progress: { vi: 'Tin báo đang được xác minh nên không giao lại được; hãy chuyển đơn vị nếu cần.', en: 'Work on this tip has started; it can no longer be reassigned. Transfer it instead.' },
  extension_limit: { vi: 'Tin báo đã được gia hạn tối đa số lần cho phép.', en: 'The deadline has been extended as often as allowed.' },
  closed: { vi: 'Tin báo đã đóng, không thể thực hiện thao tác này.', en: 'The tip is closed; this is no longer possible.' },
  concurrent_change: { vi: 'Tin báo vừa được người khác thay đổi. Hãy tải lại rồi thử lại.', en: 'Someone else changed the tip. Reload it and try again.' },
  invalid_transition: { vi: 'Không thể chuyển sang tình trạng này.', en: 'The tip cannot take this status.' },
  forbidden: { vi: 'Bạn không có quyền thực hiện thao tác này.', en: 'You may not do this.' },
};

/** A name from one of the tables above, or the raw value when it is unknown. */
export function nameOf(table, value, lang) {
  const entry = Object.hasOwn(table, value) ? table[value] : undefined;
  return entry ? entry[lang] : String(value);
}
