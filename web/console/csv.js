// CSV for spreadsheets (RFC 4180): fields with a comma, quote, CR or LF are quoted and their
// quotes doubled; rows end with CRLF. Text that a spreadsheet would run as a formula (it starts
// with =, +, -, @, or a tab or CR that some programs skip) gets a leading apostrophe, so a tip's
// text can never become a formula on an officer's computer. Numbers are written as numbers.

const formulaStart = /^[=+\-@\t\r]/;

/** One cell as CSV text. */
export function csvCell(value) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  let text = String(value);
  if (formulaStart.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A whole CSV document: a header row and one row per record, CRLF line ends. */
export function toCsv(header, rows) {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/**
 * The CSV as a file download. A byte order mark first, so spreadsheet programs read the
 * Vietnamese text as UTF-8.
 */
export function downloadCsv(filename, csv) {
  const blob = new Blob(['\uFEFF', csv], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
