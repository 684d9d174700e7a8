// The names of the API's codes in Vietnamese and English. The domain's tables (categories,
// urgencies, statuses, channels, rejection and system reasons, routing methods, flags, audit
// events, attachment statuses and quarantine reasons) come from the deployment's config.json,
// which carries shared/labels.ts: the console restates none of them. Only the console's own words (form fields) live here. Only plain text:
// every string is inserted with textContent, never parsed as HTML.

export const statusNames = {};
export const urgencyNames = {};
export const categoryNames = {};
export const channelNames = {};
export const rejectionNames = {};
export const routingNames = {};
/** Reasons the system records on its own events (shared/usecases): in words, not codes. */
export const reasonNames = {};
export const flagNames = {};
export const eventNames = {};
export const attachmentStatusNames = {};
/** Why a file is quarantined; also the `reason` of an ATTACHMENT_QUARANTINED event. */
export const quarantineReasonNames = {};

/** config.json's `labels` table each exported table is filled from. */
const tables = {
  statuses: statusNames,
  urgencies: urgencyNames,
  categories: categoryNames,
  channels: channelNames,
  rejections: rejectionNames,
  routing: routingNames,
  reasons: reasonNames,
  flags: flagNames,
  events: eventNames,
  attachmentStatuses: attachmentStatusNames,
  quarantineReasons: quarantineReasonNames,
};

const isName = (entry) => entry !== null && typeof entry === 'object' && typeof entry.vi === 'string' && typeof entry.en === 'string';

/**
 * Fills the tables from config.json's `labels` ({ categories: { drugs: { vi, en } }, ... }).
 * Entries without both languages are left out; a code without a name is shown as itself.
 */
export function setLabels(labels) {
  for (const [key, table] of Object.entries(tables)) {
    for (const code of Object.keys(table)) delete table[code];
    const source = labels !== null && typeof labels === 'object' ? labels[key] : undefined;
    if (source === null || typeof source !== 'object') continue;
    for (const [code, entry] of Object.entries(source)) if (isName(entry)) table[code] = { vi: entry.vi, en: entry.en };
  }
}

/** The names of the fields the API may refuse (its `issues[].field`). */
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

/** A name from one of the tables above, or the raw value when it is unknown. */
export function nameOf(table, value, lang) {
  const entry = Object.hasOwn(table, value) ? table[value] : undefined;
  return entry ? entry[lang] : String(value);
}
