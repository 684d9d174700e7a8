/** The frame of every citizen page: escaping, the stylesheet, the header with the language switch. */
import type { Language } from '../../../shared/i18n.ts';
import { text } from './strings.ts';

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
header form.switch{display:inline}header form.switch button{width:auto;margin:0;padding:0;background:none;border:0;color:#fff;text-decoration:underline;font-weight:400}
.actions{display:flex;gap:.5rem;flex-wrap:wrap}.actions button{width:auto}
@media print{header,nav,.actions,.no-print{display:none}}
.field-error{color:var(--accent);font-weight:600;margin:.2rem 0}
.notice{border:2px solid #1d6b2f;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
.messages{list-style:none;padding:0;margin:0}
.messages li{border-left:4px solid var(--line);padding:.4rem .75rem;margin:.6rem 0;background:#f7f7f7;border-radius:0 6px 6px 0}
.messages li.from-officer{border-left-color:var(--accent)}
.messages .who{font-weight:700;margin:0}.messages .body{white-space:pre-wrap;overflow-wrap:anywhere;margin:.2rem 0}
.messages time{color:var(--muted);font-size:.85rem}
h2{font-size:1.15rem;margin:1.5rem 0 .25rem}
input[type=file]{padding:.4rem}
.files,.uploads{list-style:none;padding:0;margin:.5rem 0}
.files li{overflow-wrap:anywhere}
.uploads li{border:2px solid var(--line);border-radius:6px;padding:.5rem .75rem;margin:.6rem 0}
.uploads li.failed{border-color:var(--accent)}.uploads li.done{border-color:#1d6b2f}
.uploads label{margin:0;overflow-wrap:anywhere}.uploads progress{display:block;width:100%;height:1.2rem;margin:.3rem 0}
.uploads .upload-status{margin:.2rem 0}.uploads li.failed .upload-status{color:var(--accent);font-weight:600}
button[disabled]{opacity:.6;cursor:progress}
`;

export function prefix(language: Language): string {
  return language === 'en' ? '/en' : '';
}

/**
 * How the header offers the other language. A page reached by a link is switched by a link (the
 * same page in the other language); a page that answers a POST is switched by posting the same
 * fields again with the other language, so the tipster stays on it (the secret in a hidden
 * field, never in a URL).
 */
export type LanguageSwitch = { readonly href: string } | { readonly post: string; readonly fields: Readonly<Record<string, string>> };

/** Options of a page's frame. */
export interface LayoutOptions {
  /** One file under /assets/ the page loads as a module: the pages' only scripts (`script-src 'self'`); every page works without them. */
  readonly script?: string | undefined;
  /** The other language's version of this page; the other language's home page by default. */
  readonly switchLanguage?: LanguageSwitch | undefined;
}

/** The language a page is not in. */
export function otherLanguage(language: Language): Language {
  return language === 'en' ? 'vi' : 'en';
}

function languageSwitch(language: Language, option: LanguageSwitch | undefined): string {
  const t = text[language];
  const other = otherLanguage(language);
  if (option && 'post' in option) {
    const fields = Object.entries({ ...option.fields, language: other })
      .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
      .join('');
    return `<form method="post" action="${escapeHtml(option.post)}" class="switch">${fields}<button type="submit" lang="${other}">${t.other}</button></form>`;
  }
  return `<a href="${escapeHtml(option?.href ?? t.otherHref)}" lang="${other}">${t.other}</a>`;
}

/** The page around a body. */
export function layout(language: Language, title: string, body: string, options: LayoutOptions = {}): string {
  const t = text[language];
  const scriptTag = options.script ? `<script type="module" src="/assets/${escapeHtml(options.script)}"></script>` : '';
  return `<!doctype html>
<html lang="${language}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} – ${escapeHtml(t.site)}</title><style>${css}</style>${scriptTag}</head>
<body><header><strong>${escapeHtml(t.site)}</strong> · ${languageSwitch(language, options.switchLanguage)}</header>
<main>${body}
<p class="hint">${escapeHtml(t.emergency)}</p></main></body></html>`;
}

/** Times in Ho Chi Minh City, 24-hour: `26/11/2026 14:05`, `26 Nov 2026, 14:05`. */
const timeFormats: Record<Language, Intl.DateTimeFormat> = {
  vi: new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
};

/** An instant as a person in Ho Chi Minh City reads it; the raw value if it is not a date. */
export function formatTime(at: string, language: Language): string {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? at : timeFormats[language].format(date);
}

