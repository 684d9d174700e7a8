/**
 * Every catalogue of user-facing words in tinbao, in one list, for the tests that prove each has
 * both languages (test/domain/catalogue.test.ts) and that a Vietnamese page carries no
 * English-only string from them (test/integration/translations.test.ts and the console's
 * browser tests).
 */
import { fakePhonesText } from '../../infra/local/fake-sms-provider.ts';
import { fieldLabels, fieldReasons, languages, type Language } from '../../shared/i18n.ts';
import { labelTables } from '../../shared/labels.ts';
import { actionWords, errorMessages } from '../../shared/messages.ts';
import { statusNames as citizenStatusNames, text as pageText } from '../../functions/http/pages/strings.ts';
import { strings as consoleStrings } from '../../web/console/strings.js';

/** A catalogue keyed by message: `{ key: { vi, en } }`. */
export type ByMessage = Readonly<Record<string, Readonly<Record<Language, string>>>>;
/** A catalogue keyed by language: `{ vi: { key: text | (…) => text }, en: {…} }`. */
export type ByLanguage = Readonly<Record<Language, Readonly<Record<string, unknown>>>>;

export const messageCatalogues: Readonly<Record<string, ByMessage>> = {
  'shared/i18n.ts fieldReasons': fieldReasons,
  'shared/i18n.ts fieldLabels': fieldLabels,
  'shared/messages.ts errorMessages': errorMessages,
  'shared/messages.ts actionWords': actionWords,
  'functions/http/pages/strings.ts statusNames': citizenStatusNames,
  ...Object.fromEntries(Object.entries(labelTables).map(([table, { names }]) => [`shared/labels.ts ${table}`, names as ByMessage])),
};

export const languageCatalogues: Readonly<Record<string, ByLanguage>> = {
  'functions/http/pages/strings.ts text': pageText,
  'web/console/strings.js strings': consoleStrings,
  'infra/local/fake-sms-provider.ts fakePhonesText': fakePhonesText,
};

/** What a function entry of a catalogue says, with a marker where each argument goes. */
const argumentMarker = '\u0001';

function textsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'function') {
    const args = Array.from({ length: Math.max(value.length, 1) }, () => argumentMarker);
    const result: unknown = value(...args);
    return typeof result === 'string' ? [result] : [];
  }
  return [];
}

/** Every text of one language across all catalogues. */
export function catalogueTexts(language: Language): string[] {
  const texts: string[] = [];
  for (const catalogue of Object.values(messageCatalogues)) for (const entry of Object.values(catalogue)) texts.push(entry[language]);
  for (const catalogue of Object.values(languageCatalogues)) for (const value of Object.values(catalogue[language])) texts.push(...textsOf(value));
  return texts;
}

/**
 * The pieces of English text a Vietnamese page must not show: each English text cut at its
 * placeholders (`{n}`, function arguments), keeping pieces with a word of four letters or more,
 * less every piece that the Vietnamese catalogues also use (names such as "SMS" or the
 * "English" link are the same in both).
 */
export function englishOnlyFragments(): string[] {
  cachedFragments ??= computeEnglishOnlyFragments();
  return cachedFragments;
}

let cachedFragments: string[] | undefined;
let cachedMatchers: Array<[string, RegExp]> | undefined;

function computeEnglishOnlyFragments(): string[] {
  const vietnamese = new Set(catalogueTexts('vi').flatMap(pieces));
  const english = new Set(catalogueTexts('en').flatMap(pieces));
  return [...english].filter((piece) => !vietnamese.has(piece) && /\p{L}{4,}/u.test(piece) && !/[\p{Script=Latin}&&[^\x00-\x7F]]/v.test(piece));
}

function pieces(text: string): string[] {
  return text
    .split(new RegExp(`\\{\\w+\\}|${argumentMarker}`, 'u'))
    .map((piece) => piece.trim().replace(/^[\s.,:;·–()-]+|[\s.,:;·–()-]+$/gu, ''))
    .filter((piece) => piece !== '');
}

/** The English-only catalogue pieces found in a page's visible text, as whole words. */
export function englishOnlyIn(pageText: string): string[] {
  const normalised = pageText.replace(/\s+/g, ' ');
  cachedMatchers ??= englishOnlyFragments().map((piece) => [piece, new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(piece)}(?![\\p{L}\\p{N}])`, 'u')]);
  return cachedMatchers.filter(([, matcher]) => matcher.test(normalised)).map(([piece]) => piece);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The languages a catalogue must speak. */
export { languages };

/** What a person reads on an HTML page: its text and the words of aria-label, title, alt and placeholder attributes. */
export function visibleText(html: string): string {
  const withoutCode = html.replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ');
  const attributes = [...withoutCode.matchAll(/\s(?:aria-label|title|alt|placeholder)="([^"]*)"/gi)].map((match) => match[1]);
  const text = withoutCode.replace(/<[^>]*>/g, ' ');
  return decodeEntities([text, ...attributes].join(' '));
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => String.fromCodePoint(Number.parseInt(code, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
