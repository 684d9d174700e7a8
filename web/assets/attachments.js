// Evidence files with a tip: progressive enhancement only. Without JavaScript the picker stays
// hidden and the form is a plain form post. With files chosen, the tip goes to /tips as JSON with
// the files declared; its answer opens one presigned POST per file, and each file goes straight
// to the evidence bucket (never through a function), with a progress bar per file. The receipt is
// shown in place from the answer: the codes come first, so a lost connection during an upload
// never loses them. Without files the form posts as it always did.
// The words and limits come from the page itself (data-* attributes), in the page's language;
// every value shown is set as text, never parsed as HTML.

import { wireReceipt } from './receipt.js';

const box = document.getElementById('attachments');
const input = document.getElementById('files');
const form = document.getElementById('tip-form');
const formView = document.getElementById('tip-form-view');
const template = document.getElementById('receipt-template');

const supported =
  box && input && form && formView && template && 'content' in template && typeof fetch === 'function' && typeof FormData === 'function' && typeof XMLHttpRequest === 'function';

if (supported) enhance();

function enhance() {
  const words = JSON.parse(box.dataset.words ?? '{}');
  const labels = JSON.parse(box.dataset.labels ?? '{}');
  const types = JSON.parse(box.dataset.types ?? '{}');
  const maxFiles = Number(box.dataset.maxFiles);
  const maxBytes = Number(box.dataset.maxBytes);
  const language = document.documentElement.lang === 'en' ? 'en' : 'vi';
  const status = document.getElementById('files-status');
  const submit = form.querySelector('button[type=submit]');
  let sending = false;

  /** A word with its `{name}` parts filled in (a function replacer: a `$&` in a file name stays as it is). */
  const say = (key, values = {}) => String(words[key] ?? '').replace(/\{(\w+)\}/g, (whole, name) => (Object.hasOwn(values, name) ? String(values[name]) : whole));

  const numbers = new Intl.NumberFormat(language === 'en' ? 'en-GB' : 'vi-VN', { maximumFractionDigits: 1 });
  /** Sizes as a citizen reads them, in decimal units like the limit (25 MB is 25,000,000 bytes). */
  const sizeText = (bytes) => (bytes < 1_000_000 ? `${numbers.format(Math.max(1, Math.round(bytes / 1000)))} KB` : `${numbers.format(bytes / 1_000_000)} MB`);

  /** The allowed type of a file: the browser's, or by its extension when the browser names none or another (HEIC, MOV). */
  function contentTypeOf(file) {
    if (Object.hasOwn(types, file.type)) return file.type;
    const extension = /\.([^.]+)$/.exec(file.name)?.[1]?.toLowerCase();
    return Object.keys(types).find((type) => extension !== undefined && types[type].includes(extension));
  }

  /** What is wrong with the chosen files, each sentence naming the file, in the API's own words. */
  function problemsOf(files) {
    const problems = files.length > maxFiles ? [say('tooMany')] : [];
    for (const file of files) {
      if (contentTypeOf(file) === undefined) problems.push(say('notAllowed', { file: file.name }));
      else if (file.size === 0) problems.push(say('empty', { file: file.name }));
      else if (file.size > maxBytes) problems.push(say('tooLarge', { file: file.name }));
    }
    return problems;
  }

  function element(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props)) {
      if (name === 'text') node.textContent = value;
      else if (name === 'class') node.className = value;
      else node.setAttribute(name, value);
    }
    node.append(...children);
    return node;
  }

  /** The chosen files under the picker, with their sizes and what is wrong with them. */
  function showChosen() {
    const files = [...input.files];
    if (files.length === 0) {
      status.replaceChildren();
      return;
    }
    const clear = element('button', { type: 'button', class: 'secondary', text: say('clearFiles') });
    clear.addEventListener('click', () => {
      input.value = '';
      showChosen();
      input.focus();
    });
    status.replaceChildren(
      element('p', { class: 'hint', text: say('chosen', { count: files.length }) }),
      element('ul', { class: 'files' }, ...files.map((file) => element('li', { text: `${file.name} · ${sizeText(file.size)}` }))),
      ...problemsOf(files).map((problem) => element('p', { class: 'field-error', text: problem })),
      clear,
    );
  }

  /**
   * What went wrong, above the form, as the server-rendered form shows it: each field's reason
   * linking to its field; or one sentence when the tip could not be sent at all.
   */
  function showErrors(items, sentence) {
    const list = items.map(({ field, message }) => {
      const base = String(field ?? '').split('.')[0];
      const target = base === 'attachments' ? 'files' : document.getElementById(base) ? base : undefined;
      const label = labels[base] ?? base;
      const name = target ? element('a', { href: `#${target}`, text: label }) : label;
      return element('li', {}, element('strong', {}, name), `: ${message}`);
    });
    const errors = element(
      'div',
      { class: 'errors', role: 'alert', id: 'errors', tabindex: '-1' },
      element('p', { text: sentence ?? say('errorIntro') }),
      ...(list.length > 0 ? [element('ul', {}, ...list)] : []),
    );
    const previous = document.getElementById('errors') ?? document.getElementById('form-intro');
    if (previous) previous.replaceWith(errors);
    else formView.querySelector('h1')?.after(errors);
    errors.focus();
  }

  /**
   * The form's fields exactly as the plain form post sends them (the server reads both the same
   * way, shared/tip/submission.ts), with the files declared in one JSON field. The file picker has
   * no name, so no file goes with the tip: each goes to its own upload slot.
   */
  function submission(files) {
    const fields = new URLSearchParams(new FormData(form));
    if (!fields.get('language')) fields.set('language', language);
    fields.set('attachments', JSON.stringify(files.map((file) => ({ fileName: file.name, contentType: contentTypeOf(file), size: file.size }))));
    return fields;
  }

  function setSending(on) {
    sending = on;
    if (!submit) return;
    submit.disabled = on;
    submit.dataset.label ??= submit.textContent;
    submit.textContent = on ? say('sending') : submit.dataset.label;
  }

  async function send(event) {
    const files = [...input.files];
    // No files: the plain form post, its receipt page and all it offers.
    if (files.length === 0) return;
    event.preventDefault();
    if (sending) return;
    const problems = problemsOf(files);
    if (problems.length > 0) {
      showErrors(problems.map((message) => ({ field: 'attachments', message })));
      return;
    }
    setSending(true);
    let response;
    let answer;
    try {
      response = await fetch(form.action, {
        method: 'POST',
        credentials: 'same-origin',
        // Asking for JSON, the form post is answered in place rather than redirected to the receipt page.
        headers: { accept: 'application/json', 'accept-language': language },
        body: submission(files),
      });
      answer = await response.json().catch(() => undefined);
    } catch {
      setSending(false);
      showErrors([], say('sendNetworkError'));
      return;
    }
    if (!response.ok || typeof answer?.trackingCode !== 'string') {
      setSending(false);
      // The refusal as the API words it, in the page's language; `error` may also be an object holding it.
      const refusal = answer?.error !== null && typeof answer?.error === 'object' ? answer.error : answer;
      const issues = Array.isArray(refusal?.issues) ? refusal.issues : [];
      if (issues.length > 0) showErrors(issues.map((issue) => ({ field: issue.field, message: String(issue.message ?? issue.reason ?? '') })));
      else showErrors([], typeof refusal?.message === 'string' && refusal.message ? refusal.message : say('sendFailed'));
      return;
    }
    const uploads = showReceipt(answer);
    await sendFiles(files, Array.isArray(answer.uploads) ? answer.uploads : [], uploads);
  }

  /** Times in Ho Chi Minh City, as the receipt page shows them (functions/http/pages/layout.ts). */
  const timeFormat = new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'vi-VN', {
    timeZone: 'Asia/Ho_Chi_Minh',
    ...(language === 'en' ? { day: 'numeric', month: 'short' } : { day: '2-digit', month: '2-digit' }),
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });

  /** The receipt page's markup in place of the form, filled from the answer; returns where the uploads go. */
  function showReceipt(answer) {
    const view = element('div', { id: 'receipt-view' });
    view.append(template.content.cloneNode(true));
    view.querySelector('#tracking-code').textContent = answer.trackingCode;
    view.querySelector('#secret').textContent = String(answer.secret ?? '');
    const time = view.querySelector('#received-at');
    const receivedAt = new Date(answer.receivedAt);
    time.dateTime = String(answer.receivedAt ?? '');
    time.textContent = Number.isNaN(receivedAt.getTime()) ? String(answer.receivedAt ?? '') : timeFormat.format(receivedAt);
    formView.replaceWith(view);
    // The other language's page would be the empty form: the codes would be gone.
    const otherLanguage = document.querySelector('header a[lang]');
    if (otherLanguage) {
      if (otherLanguage.previousSibling?.nodeType === Node.TEXT_NODE) otherLanguage.previousSibling.textContent = '';
      otherLanguage.hidden = true;
    }
    document.title = `${say('acceptedTitle')}${document.title.slice(document.title.indexOf(' – '))}`;
    wireReceipt(view);
    view.querySelector('h1')?.focus();
    return view.querySelector('#uploads');
  }

  /** Each file to its slot, one at a time (a phone's upload is shared by all), each with its bar and its outcome. */
  async function sendFiles(files, slots, container) {
    const summary = element('p', { id: 'uploads-summary', role: 'status', 'aria-live': 'polite' });
    const rows = files.map((file, index) => fileRow(file, index));
    container.replaceChildren(element('h2', { text: say('uploadsTitle') }), element('ul', { class: 'uploads' }, ...rows.map((row) => row.item)), summary);
    let busy = true;
    window.addEventListener('beforeunload', (event) => {
      if (busy || rows.some((row) => row.item.dataset.state === 'sending')) event.preventDefault();
    });
    const outcomes = [];
    for (const [index, file] of files.entries()) outcomes.push(await sendOne(file, slots[index], rows[index]));
    busy = false;
    const summarize = () => {
      const done = rows.filter((row) => row.item.dataset.state === 'done').length;
      const failed = rows.length - done;
      summary.textContent = failed === 0 ? say('uploadsDone', { done, total: rows.length }) : `${say('uploadsDone', { done, total: rows.length })} ${say('uploadsSomeFailed', { failed })}`;
    };
    summarize();
    for (const row of rows) row.onSettled = summarize;
    return outcomes;
  }

  function fileRow(file, index) {
    const id = `upload-${index + 1}`;
    const progress = element('progress', { id: `${id}-progress`, max: '100', 'aria-describedby': `${id}-status` });
    progress.value = 0;
    const statusLine = element('p', { class: 'upload-status', id: `${id}-status`, text: say('uploadWaiting') });
    const item = element('li', { id, 'data-state': 'waiting' }, element('label', { for: progress.id, text: `${file.name} · ${sizeText(file.size)}` }), progress, statusLine);
    return { item, progress, statusLine, onSettled: undefined };
  }

  async function sendOne(file, slot, row) {
    row.item.dataset.state = 'sending';
    row.item.className = '';
    row.item.querySelector('button')?.remove();
    row.statusLine.textContent = say('uploadProgress', { percent: 0 });
    const outcome = await upload(file, slot, (fraction) => {
      const percent = Math.min(100, Math.floor(fraction * 100));
      row.progress.value = percent;
      row.statusLine.textContent = say('uploadProgress', { percent });
    });
    if (outcome.ok) {
      row.progress.value = 100;
      row.item.dataset.state = 'done';
      row.item.className = 'done';
      row.statusLine.textContent = say('uploadDone');
    } else {
      row.item.dataset.state = 'failed';
      row.item.className = 'failed';
      // A full bar would say the file arrived.
      row.progress.value = 0;
      row.statusLine.textContent = say('uploadFailed', { reason: outcome.reason });
      if (outcome.retry) {
        const retry = element('button', { type: 'button', class: 'secondary', text: say('uploadRetry') });
        retry.addEventListener('click', async () => {
          await sendOne(file, slot, row);
          row.onSettled?.();
        });
        row.item.append(retry);
      }
    }
    return outcome;
  }

  /** Posts one file to its presigned POST: every field first, the file last, as S3 requires. */
  function upload(file, slot, onProgress) {
    if (!slot || typeof slot.url !== 'string') return Promise.resolve({ ok: false, reason: say('uploadNotOpened'), retry: false });
    if (Date.parse(slot.expiresAt) < Date.now()) return Promise.resolve({ ok: false, reason: say('uploadExpired'), retry: false });
    return new Promise((resolve) => {
      const body = new FormData();
      for (const [name, value] of Object.entries(slot.fields ?? {})) body.append(name, String(value));
      body.append('file', file);
      const request = new XMLHttpRequest();
      request.open('POST', slot.url);
      request.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
      });
      request.addEventListener('load', () => resolve(request.status >= 200 && request.status < 300 ? { ok: true } : refusal(request.status, request.responseText)));
      const lost = () => resolve({ ok: false, reason: say('uploadNetworkError'), retry: true });
      request.addEventListener('error', lost);
      request.addEventListener('abort', lost);
      request.addEventListener('timeout', lost);
      request.send(body);
    });
  }

  /** S3's XML refusal (`<Error><Code>…</Code><Message>…</Message></Error>`) as a sentence. */
  function refusal(status, xml) {
    let code = '';
    let message = '';
    try {
      const parsed = new DOMParser().parseFromString(xml, 'application/xml');
      code = parsed.querySelector('Error > Code')?.textContent?.trim() ?? '';
      message = parsed.querySelector('Error > Message')?.textContent?.trim() ?? '';
    } catch {
      // Not XML: the status alone says what happened.
    }
    if (code === 'EntityTooLarge') return { ok: false, reason: say('uploadTooLarge'), retry: false };
    // An expired POST policy is AccessDenied "Invalid according to Policy: Policy expired."
    if (code === 'ExpiredToken' || code === 'RequestExpired' || (code === 'AccessDenied' && /expired/i.test(message))) {
      return { ok: false, reason: say('uploadExpired'), retry: false };
    }
    if (status >= 500 || code === 'SlowDown' || code === 'InternalError' || code === 'ServiceUnavailable') return { ok: false, reason: say('uploadServerError'), retry: true };
    return { ok: false, reason: say('uploadRefused', { code: code || `HTTP ${status}` }), retry: false };
  }

  box.hidden = false;
  const needScript = document.getElementById('files-need-script');
  if (needScript) needScript.hidden = true;
  input.addEventListener('change', showChosen);
  form.addEventListener('submit', send);
  // A page restored from the browser's cache may still hold a choice.
  showChosen();
}
