// The receipt's "copy" and "print" buttons: progressive enhancement only. Without JavaScript the
// codes are plain text to select, the "save as a file" link works, and the browser prints.
const code = document.getElementById('tracking-code')?.textContent ?? '';
const secret = document.getElementById('secret')?.textContent ?? '';
const copy = document.getElementById('copy-codes');
const print = document.getElementById('print-codes');
const statusLine = document.getElementById('copy-status');

if (copy && navigator.clipboard) {
  copy.hidden = false;
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(`${code}\n${secret}`);
      if (statusLine) statusLine.textContent = copy.dataset.copied ?? '';
    } catch {
      if (statusLine) statusLine.textContent = copy.dataset.failed ?? '';
    }
  });
}
if (print && typeof window.print === 'function') {
  print.hidden = false;
  print.addEventListener('click', () => window.print());
}
