import * as z from 'zod';
import { attachmentRequestsSchema } from '../attachments/declaration.ts';
import { categories } from '../classification/types.ts';
import { ValidationError, type FieldIssue } from '../errors.ts';
import { isFieldReason, languages, type FieldReason } from '../i18n.ts';
import type { Jurisdiction } from '../jurisdictions/index.ts';

/** Tip text limits, counted in Unicode code points after NFC normalisation and trimming. */
export const tipTextLimits = { min: 10, max: 5000 } as const;

/** A form token: 16 to 64 URL-safe characters (web/assets/location.js draws 32). */
export const formTokenPattern = /^[A-Za-z0-9_-]{16,64}$/;

/** Contact details the tipster chose to leave, at most this long. */
export const contactMaxLength = 200;

/**
 * How far outside its units a GPS point may lie and still be taken (about 5 km): the city's
 * edge is coarse in places, and a point just over the line is still worth routing by its text.
 */
export const cityBoundsMarginDegrees = 0.05;

/** A box around the pack's units (plus the margin), so a point plainly elsewhere is refused at the door. */
export function cityBounds(jurisdiction: Pick<Jurisdiction, 'bounds'>): { minLat: number; maxLat: number; minLon: number; maxLon: number } {
  const [minLon, minLat, maxLon, maxLat] = jurisdiction.bounds;
  const m = cityBoundsMarginDegrees;
  return { minLat: minLat - m, maxLat: maxLat + m, minLon: minLon - m, maxLon: maxLon + m };
}

/**
 * Words that report nothing on their own: greetings, tests, thanks, calls for attention, in
 * Vietnamese without diacritics and in English. A message made only of them is not a tip.
 */
const fillerWords = new Set(
  'a ad admin ah alo allo anh ban cam chao chi chu co cong day de di duoc em gi hello helo hey hi hoi khong la minh nhe nhe oi ok oke okay on please plz the thu test testing thank thanks toi u vang xin yes no'.split(' '),
);

/**
 * Whether a message is too short to act on: fewer letters and digits than a web tip's minimum,
 * or nothing but greetings and fillers ("alo", "hi", "test", "xin chào"). Such an SMS gets a
 * reply asking what, where and when, and creates no tip and no register number.
 */
export function tooShortToAct(text: string): boolean {
  const words = text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');
  const letters = words.reduce((count, word) => count + codePointLength(word), 0);
  return letters < tipTextLimits.min || words.every((word) => fillerWords.has(word));
}

/** Number of code points, so an emoji counts as one character, as a person counts it. */
export function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

function reason(key: FieldReason): { error: FieldReason } {
  return { error: key };
}

const requiredOr = (typeReason: FieldReason) => (issue: { input: unknown }) =>
  issue.input === undefined || issue.input === null ? 'required' : typeReason;

const tipText = z
  .string({ error: requiredOr('notText') })
  .superRefine((raw, context) => {
    // A lone surrogate cannot be stored as UTF-8; refuse it instead of mangling the tipster's words.
    if (!raw.isWellFormed()) context.addIssue({ code: 'custom', message: 'invalidCharacter' });
  })
  .transform((raw) => (raw.isWellFormed() ? raw.normalize('NFC').trim() : raw))
  .superRefine((text, context) => {
    const length = codePointLength(text);
    if (length < tipTextLimits.min) context.addIssue({ code: 'custom', message: 'tooShort', params: { limit: tipTextLimits.min } });
    if (length > tipTextLimits.max) context.addIssue({ code: 'custom', message: 'tooLong', params: { limit: tipTextLimits.max } });
  });

const coordinate = (min: number, max: number) =>
  z.number({ error: requiredOr('notNumber') }).refine((value) => value >= min && value <= max, reason('outsideCity'));

const submissionSchemas = new Map<string, ReturnType<typeof buildWebSubmissionSchema>>();

/** What a citizen sends from the web form or as JSON, for a deployment's pack (built once per pack). */
export function webSubmissionSchema(jurisdiction: Pick<Jurisdiction, 'id' | 'unitCodes' | 'bounds'>) {
  let schema = submissionSchemas.get(jurisdiction.id);
  if (!schema) {
    schema = buildWebSubmissionSchema(jurisdiction);
    submissionSchemas.set(jurisdiction.id, schema);
  }
  return schema;
}

function buildWebSubmissionSchema(jurisdiction: Pick<Jurisdiction, 'unitCodes' | 'bounds'>) {
  const bounds = cityBounds(jurisdiction);
  return z
    .object({
      text: tipText,
      unit: z.enum(jurisdiction.unitCodes as [string, ...string[]], reason('unknownUnit')).optional(),
      lat: coordinate(bounds.minLat, bounds.maxLat).optional(),
      lon: coordinate(bounds.minLon, bounds.maxLon).optional(),
      category: z.enum(categories, reason('unknownCategory')).optional(),
      contactOptIn: z.boolean(reason('notBoolean')).default(false),
      contact: z
        .string(reason('notText'))
        .transform((value) => value.normalize('NFC').trim())
        .pipe(z.string().max(contactMaxLength, { error: 'tooLong' }))
        .optional(),
      language: z.enum(languages, reason('unknownLanguage')).default('vi'),
      // A random token the form page draws once (with JavaScript): a form sent twice is one tip.
      formToken: z.string(reason('notText')).regex(formTokenPattern, reason('badFormToken')).optional(),
      // Files sent with the tip (JSON only): each gets an upload slot of its own.
      attachments: attachmentRequestsSchema.optional(),
    })
    .superRefine((submission, context) => {
      if ((submission.lat === undefined) !== (submission.lon === undefined)) {
        const missing = submission.lat === undefined ? 'lat' : 'lon';
        context.addIssue({ code: 'custom', path: [missing], message: 'latLonPair' });
      }
      const hasContact = submission.contact !== undefined && submission.contact !== '';
      if (hasContact && !submission.contactOptIn) {
        context.addIssue({ code: 'custom', path: ['contact'], message: 'contactNeedsConsent' });
      }
      if (!hasContact && submission.contactOptIn) {
        context.addIssue({ code: 'custom', path: ['contact'], message: 'contactRequired' });
      }
    })
    .transform(({ contact, contactOptIn, ...rest }) => ({
      ...rest,
      // Contact details are kept only with consent; an empty box is no contact.
      contact: contactOptIn && contact ? contact : undefined,
    }));
}

/** A validated web submission. */
export type WebSubmission = z.output<ReturnType<typeof buildWebSubmissionSchema>>;

/** Turns zod's issues into field issues that name the field and a translatable reason. */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : 'body';
    const reasonKey: FieldReason = isFieldReason(issue.message) ? issue.message : 'invalid';
    const params = (issue as { params?: { limit?: unknown; file?: unknown } }).params;
    const bound = 'maximum' in issue ? issue.maximum : 'minimum' in issue ? issue.minimum : params?.limit;
    return {
      field,
      reason: reasonKey,
      ...((typeof bound === 'number' || typeof bound === 'bigint') && { limit: Number(bound) }),
      ...(typeof params?.file === 'string' && { subject: params.file }),
    };
  });
}

/** Parses input with a schema, throwing a ValidationError that names every bad field. */
export function parseOrThrow<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(toFieldIssues(result.error));
  return result.data;
}

/**
 * A field that carries JSON: the form's script declares its files as one (`attachments`), since
 * a form field is a string. Unreadable JSON is kept as given, so the schema refuses it by name.
 */
function jsonField(raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/**
 * Maps the fields of the no-JavaScript form (all strings) to the JSON shape: empty boxes are
 * absent, numbers are read as numbers, a ticked checkbox is true. Anything unreadable is kept
 * as given so the schema reports it against its field. The form's script posts the same fields,
 * with its files declared in `attachments`, and asks for JSON back (functions/http/request.ts wantsHtml).
 */
export function webSubmissionFromFormFields(fields: URLSearchParams): Record<string, unknown> {
  const value = (name: string): string | undefined => {
    const raw = fields.get(name);
    return raw === null || raw.trim() === '' ? undefined : raw;
  };
  const number = (name: string): number | string | undefined => {
    const raw = value(name);
    if (raw === undefined) return undefined;
    const parsed = Number(raw.trim().replace(',', '.'));
    return Number.isFinite(parsed) ? parsed : raw;
  };
  return {
    text: fields.get('text') ?? undefined,
    unit: value('unit'),
    lat: number('lat'),
    lon: number('lon'),
    category: value('category'),
    contactOptIn: ['on', 'true', '1', 'yes'].includes((value('contactOptIn') ?? '').toLowerCase()),
    contact: value('contact'),
    language: value('language'),
    formToken: value('formToken'),
    attachments: jsonField(value('attachments')),
  };
}
