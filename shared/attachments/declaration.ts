/**
 * The files a tipster declares with a tip (JSON only: the form without JavaScript sends none):
 * their names as a person reads them, their types as tinbao names them, their sizes. Every
 * refusal names the file, so the form can say which one to take out and why.
 */
import * as z from 'zod';
import type { FieldReason } from '../i18n.ts';
import { attachmentLimits, attachmentTypes, isAttachmentContentType, type AttachmentContentType, type AttachmentRequest } from './attachment.ts';

/**
 * Control characters, and the bidirectional controls that make `photo\u202Egpj.exe` read as
 * `photoexe.jpg`: an officer must see the name the file really has.
 */
const forbiddenInFileName = /[\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

/**
 * Types browsers and phones send for the allowed ones under another name: iPhones label HEIC
 * photos image/heif as often as image/heic, and some Android apps say image/jpg.
 */
export const contentTypeAliases: Readonly<Record<string, AttachmentContentType>> = {
  'image/heif': 'image/heic',
  'image/jpg': 'image/jpeg',
};

/** What a browser says when it does not know a file's type. */
const unknownTypes = new Set(['', 'application/octet-stream']);

/** A file's name as it is shown: NFC, trimmed, without the folders some browsers put before it. */
export function normaliseFileName(raw: string): string {
  const name = raw.normalize('NFC');
  const lastSeparator = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
  return name.slice(lastSeparator + 1).trim();
}

/** The allowed type a file name's extension stands for, if any. */
export function contentTypeFromFileName(fileName: string): AttachmentContentType | undefined {
  const dot = fileName.lastIndexOf('.');
  if (dot < 0) return undefined;
  const extension = fileName.slice(dot + 1).toLowerCase();
  const entries = Object.entries(attachmentTypes) as Array<[AttachmentContentType, { readonly extensions: readonly string[] }]>;
  return entries.find(([, type]) => type.extensions.includes(extension))?.[0];
}

/**
 * The allowed type a declared content type names (case and parameters such as `; charset` do not
 * matter); an unknown type is read off the file name's extension. Undefined when neither gives
 * one tinbao takes.
 */
export function declaredContentType(raw: string, fileName: string | undefined): AttachmentContentType | undefined {
  const essence = (raw.split(';')[0] ?? '').trim().toLowerCase();
  if (unknownTypes.has(essence)) return fileName === undefined ? undefined : contentTypeFromFileName(fileName);
  const type = contentTypeAliases[essence] ?? essence;
  return isAttachmentContentType(type) ? type : undefined;
}

type Problem = { readonly reason: FieldReason; readonly limit?: number };

/** The values are strings and numbers; only a problem is an object. */
const isProblem = (value: unknown): value is Problem => typeof value === 'object' && value !== null;

function readFileName(raw: unknown): Problem | string {
  if (raw === undefined || raw === null) return { reason: 'required' };
  if (typeof raw !== 'string') return { reason: 'notText' };
  if (!raw.isWellFormed()) return { reason: 'invalidCharacter' };
  const name = normaliseFileName(raw);
  if (name === '') return { reason: 'required' };
  if (forbiddenInFileName.test(name)) return { reason: 'badFileName' };
  if (Array.from(name).length > attachmentLimits.maxFileNameLength) return { reason: 'tooLong', limit: attachmentLimits.maxFileNameLength };
  return name;
}

function readSize(raw: unknown): Problem | number {
  if (raw === undefined || raw === null) return { reason: 'required' };
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return { reason: 'notNumber' };
  if (!Number.isInteger(raw)) return { reason: 'notWholeNumber' };
  if (raw < 1) return { reason: 'emptyFile' };
  if (raw > attachmentLimits.maxBytes) return { reason: 'fileTooLarge', limit: attachmentLimits.maxBytes };
  return raw;
}

function readContentType(raw: unknown, fileName: string | undefined): Problem | AttachmentContentType {
  // A missing type is an unknown one: a program that leaves it out gets it read off the name.
  if (raw !== undefined && raw !== null && typeof raw !== 'string') return { reason: 'notText' };
  return declaredContentType(raw ?? '', fileName) ?? { reason: 'fileTypeNotAllowed' };
}

/** One declared file: every problem with it is reported at once, each naming the file when its name is readable. */
const attachmentRequest = z.unknown().transform((raw, context): AttachmentRequest => {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    context.addIssue({ code: 'custom', message: 'invalid' });
    return z.NEVER;
  }
  const entry = raw as Record<string, unknown>;
  const fileName = readFileName(entry.fileName);
  const name = typeof fileName === 'string' ? fileName : undefined;
  const contentType = readContentType(entry.contentType, name);
  const size = readSize(entry.size);
  const fields: ReadonlyArray<readonly [string, unknown]> = [
    ['fileName', fileName],
    ['contentType', contentType],
    ['size', size],
  ];
  for (const [field, value] of fields) {
    if (!isProblem(value)) continue;
    const params = { ...(value.limit !== undefined && { limit: value.limit }), ...(name !== undefined && field !== 'fileName' && { file: name }) };
    context.addIssue({ code: 'custom', path: [field], message: value.reason, params });
  }
  if (isProblem(fileName) || isProblem(contentType) || isProblem(size)) return z.NEVER;
  return { fileName, contentType, size };
});

/** The declared files of a tip: a list of at most five, each checked as above. */
export const attachmentRequestsSchema = z
  .array(z.unknown(), { error: (issue) => (issue.input === null ? 'required' : 'notList') })
  // A refinement, not `.max()`: zod runs a length check on a string given in place of the list too.
  .superRefine((files, context) => {
    if (files.length > attachmentLimits.maxFiles) context.addIssue({ code: 'custom', message: 'tooManyFiles', params: { limit: attachmentLimits.maxFiles } });
  })
  .pipe(z.array(attachmentRequest));
