// The receipt's "copy", "save" and "print" controls: progressive enhancement only. Without
// JavaScript the codes are plain text to select, the "save as a file" link works, and the browser
// prints. The receipt page wires its own controls; the tip form wires the receipt it shows in
// place after sending a tip with files (attachments.js), whose file to save is made here.

/** Wires the copy and print buttons of the receipt in `root`, and its save link when it has no file yet. */
export function wireReceipt(root = document) {
  const code = root.querySelector('#tracking-code')?.textContent ?? '';
  const secret = root.querySelector('#secret')?.textContent ?? '';
  const copy = root.querySelector('#copy-codes');
  const print = root.querySelector('#print-codes');
  const save = root.querySelector('#save-codes');
  const statusLine = root.querySelector('#copy-status');

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
  // The in-place receipt has no page to download the file from: it is made here, as the receipt
  // page's text file is (functions/http/pages/tip-pages.ts tipReceiptText), and never leaves the device.
  if (save?.dataset.fileTitle !== undefined && typeof URL.createObjectURL === 'function') {
    const receivedAt = root.querySelector('#received-at')?.textContent ?? '';
    const lines = [
      save.dataset.fileTitle,
      '',
      `${save.dataset.codeLabel}: ${code}`,
      `${save.dataset.secretLabel}: ${secret}`,
      `${save.dataset.receivedLabel}: ${receivedAt}`,
      '',
      save.dataset.fileHint,
      '',
    ];
    save.href = URL.createObjectURL(new Blob([lines.join('\r\n')], { type: 'text/plain;charset=utf-8' }));
    save.download = `${code}.txt`;
    save.hidden = false;
  }
}

wireReceipt();
