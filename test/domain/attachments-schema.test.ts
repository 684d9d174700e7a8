/**
 * The files declared with a web tip: what is taken, what is refused, and how each refusal names
 * the file and the reason in both languages.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { attachmentContentTypes, attachmentLimits, attachmentTypes } from '../../shared/attachments/attachment.ts';
import { contentTypeFromFileName, declaredContentType, normaliseFileName } from '../../shared/attachments/declaration.ts';
import { ValidationError, type FieldIssue } from '../../shared/errors.ts';
import { describeFieldReason } from '../../shared/i18n.ts';
import { jurisdiction } from '../../shared/jurisdictions/index.ts';
import { parseOrThrow, webSubmissionSchema } from '../../shared/tip/submission.ts';

const schema = webSubmissionSchema(jurisdiction('hcmc-2025'));
const text = 'Có người bán ma túy trong hẻm 45 Lê Văn Sỹ';
const photo = { fileName: 'hem-45.jpg', contentType: 'image/jpeg', size: 1_200_000 };

function accepted(attachments: unknown) {
  return parseOrThrow(schema, { text, attachments }).attachments;
}

function issuesOf(attachments: unknown): FieldIssue[] {
  try {
    parseOrThrow(schema, { text, attachments });
  } catch (error) {
    assert.ok(error instanceof ValidationError, `expected a ValidationError, got ${String(error)}`);
    return error.issues.map((issue) => ({ ...issue }));
  }
  assert.fail('expected the attachments to be refused');
}

describe('declared attachments', () => {
  it('are optional, and absent from the submission when not sent', () => {
    const submission = parseOrThrow(schema, { text });
    assert.ok(!('attachments' in submission));
  });

  it('takes each allowed type with its size and name', () => {
    const files = attachmentContentTypes.slice(0, attachmentLimits.maxFiles).map((contentType, index) => ({ fileName: `file-${index}.${attachmentTypes[contentType].extensions[0]}`, contentType, size: index + 1 }));
    assert.deepEqual(accepted(files), files);
  });

  it('reads the content type without case or parameters, and HEIF as HEIC', () => {
    assert.deepEqual(accepted([{ ...photo, contentType: 'IMAGE/JPEG; charset=binary' }]), [photo]);
    assert.equal(accepted([{ fileName: 'IMG_0042.HEIC', contentType: 'image/heif', size: 10 }])?.[0]?.contentType, 'image/heic');
  });

  it('infers an unknown or missing type from the extension', () => {
    for (const contentType of ['', 'application/octet-stream', undefined]) {
      assert.equal(accepted([{ fileName: 'clip.MOV', contentType, size: 10 }])?.[0]?.contentType, 'video/quicktime', String(contentType));
      assert.equal(accepted([{ fileName: 'report.pdf', contentType, size: 10 }])?.[0]?.contentType, 'application/pdf', String(contentType));
    }
    assert.deepEqual(issuesOf([{ fileName: 'notes.txt', contentType: 'application/octet-stream', size: 10 }]), [
      { field: 'attachments.0.contentType', reason: 'fileTypeNotAllowed', subject: 'notes.txt' },
    ]);
  });

  it('keeps the name as a person reads it: NFC, trimmed, without the folders before it', () => {
    const decomposed = 'ảnh hẻm.jpg'.normalize('NFD');
    assert.equal(accepted([{ ...photo, fileName: `  C:\\Users\\me\\Desktop\\${decomposed} ` }])?.[0]?.fileName, 'ảnh hẻm.jpg');
    assert.equal(accepted([{ ...photo, fileName: '/home/me/photos/x.jpg' }])?.[0]?.fileName, 'x.jpg');
    assert.equal(normaliseFileName('a/b\\c.png'), 'c.png');
  });

  it('refuses a file larger than 25 MB, naming it in both languages, and takes exactly 25 MB', () => {
    assert.equal(accepted([{ ...photo, size: attachmentLimits.maxBytes }])?.[0]?.size, 25_000_000);
    const issues = issuesOf([photo, { ...photo, fileName: 'video-dai.mp4', contentType: 'video/mp4', size: attachmentLimits.maxBytes + 1 }]);
    assert.deepEqual(issues, [{ field: 'attachments.1.size', reason: 'fileTooLarge', limit: 25_000_000, subject: 'video-dai.mp4' }]);
    const [issue] = issues;
    assert.equal(describeFieldReason(issue!.reason, 'vi', issue!.limit, issue!.subject), 'Tệp “video-dai.mp4” lớn hơn 25 MB.');
    assert.equal(describeFieldReason(issue!.reason, 'en', issue!.limit, issue!.subject), 'The file “video-dai.mp4” is larger than 25 MB.');
  });

  it('refuses a type tinbao does not take, naming the file and the types it does take', () => {
    const issues = issuesOf([{ fileName: 'script.exe', contentType: 'application/x-msdownload', size: 100 }]);
    assert.deepEqual(issues, [{ field: 'attachments.0.contentType', reason: 'fileTypeNotAllowed', subject: 'script.exe' }]);
    const vi = describeFieldReason('fileTypeNotAllowed', 'vi', undefined, 'script.exe');
    const en = describeFieldReason('fileTypeNotAllowed', 'en', undefined, 'script.exe');
    assert.match(vi, /^Tệp “script\.exe” không thuộc loại được nhận/);
    assert.match(en, /^The file “script\.exe” is not a type tinbao takes/);
    for (const name of ['JPEG', 'PNG', 'HEIC', 'WebP', 'MP4', 'MOV', 'PDF']) {
      assert.ok(vi.includes(name) && en.includes(name), name);
    }
  });

  it('refuses a sixth file', () => {
    const six = Array.from({ length: 6 }, (_, index) => ({ ...photo, fileName: `${index}.jpg` }));
    assert.deepEqual(issuesOf(six), [{ field: 'attachments', reason: 'tooManyFiles', limit: 5 }]);
    assert.equal(describeFieldReason('tooManyFiles', 'vi', 5), 'Chỉ gửi kèm tối đa 5 tệp.');
    assert.equal(describeFieldReason('tooManyFiles', 'en', 5), 'Attach at most 5 files.');
    assert.equal(accepted(six.slice(0, 5))?.length, 5);
  });

  it('refuses an empty file by name', () => {
    assert.deepEqual(issuesOf([{ ...photo, size: 0 }]), [{ field: 'attachments.0.size', reason: 'emptyFile', subject: 'hem-45.jpg' }]);
    assert.equal(describeFieldReason('emptyFile', 'en', undefined, 'hem-45.jpg'), 'The file “hem-45.jpg” is empty.');
  });

  it('names malformed entries field by field, every problem of a file at once', () => {
    assert.deepEqual(issuesOf([{ fileName: 42, contentType: 7, size: '12' }]), [
      { field: 'attachments.0.fileName', reason: 'notText' },
      { field: 'attachments.0.contentType', reason: 'notText' },
      { field: 'attachments.0.size', reason: 'notNumber' },
    ]);
    assert.deepEqual(issuesOf([{}]), [
      { field: 'attachments.0.fileName', reason: 'required' },
      { field: 'attachments.0.contentType', reason: 'fileTypeNotAllowed' },
      { field: 'attachments.0.size', reason: 'required' },
    ]);
    assert.deepEqual(issuesOf([{ ...photo, size: 10.5 }]), [{ field: 'attachments.0.size', reason: 'notWholeNumber', subject: 'hem-45.jpg' }]);
    assert.deepEqual(issuesOf(['hem-45.jpg']), [{ field: 'attachments.0', reason: 'invalid' }]);
    assert.deepEqual(issuesOf('hem-45.jpg'), [{ field: 'attachments', reason: 'notList' }]);
  });

  it('refuses names that are empty, too long, or hide control and text-direction characters', () => {
    assert.deepEqual(issuesOf([{ ...photo, fileName: '   ' }]), [{ field: 'attachments.0.fileName', reason: 'required' }]);
    assert.deepEqual(issuesOf([{ ...photo, fileName: 'photos/' }]), [{ field: 'attachments.0.fileName', reason: 'required' }]);
    const longest = `${'ả'.repeat(attachmentLimits.maxFileNameLength - 4)}.jpg`;
    assert.equal(accepted([{ ...photo, fileName: longest }])?.[0]?.fileName, longest);
    assert.deepEqual(issuesOf([{ ...photo, fileName: `x${longest}` }]), [{ field: 'attachments.0.fileName', reason: 'tooLong', limit: 200 }]);
    for (const sneaky of ['photo\u202Egpj.exe', 'a\u0000.jpg', 'line\nbreak.jpg', 'tab\t.jpg']) {
      assert.deepEqual(issuesOf([{ ...photo, fileName: sneaky }]), [{ field: 'attachments.0.fileName', reason: 'badFileName' }], JSON.stringify(sneaky));
    }
    assert.deepEqual(issuesOf([{ ...photo, fileName: 'lone\ud800.jpg' }]), [{ field: 'attachments.0.fileName', reason: 'invalidCharacter' }]);
  });

  it('drops the file from a message that has no name to give', () => {
    assert.equal(describeFieldReason('fileTooLarge', 'vi', attachmentLimits.maxBytes), 'Tệp lớn hơn 25 MB.');
    assert.equal(describeFieldReason('fileTooLarge', 'en', attachmentLimits.maxBytes), 'The file is larger than 25 MB.');
  });

  it('puts a file name into a message literally, whatever it holds', () => {
    assert.equal(describeFieldReason('emptyFile', 'en', undefined, '$&$1.jpg'), 'The file “$&$1.jpg” is empty.');
  });

  it('maps every allowed extension to its type, in any case', () => {
    fc.assert(
      fc.property(fc.constantFrom(...attachmentContentTypes), fc.boolean(), fc.string({ maxLength: 20 }), (type, upper, stem) => {
        for (const extension of attachmentTypes[type].extensions) {
          const name = `${stem}.${upper ? extension.toUpperCase() : extension}`;
          assert.equal(contentTypeFromFileName(name), type);
          assert.equal(declaredContentType('application/octet-stream', name), type);
        }
      }),
    );
    assert.equal(contentTypeFromFileName('no-extension'), undefined);
  });

  it('never takes a declared type outside the list', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (raw) => {
        const type = declaredContentType(raw, 'file.bin');
        assert.ok(type === undefined || (attachmentContentTypes as readonly string[]).includes(type));
      }),
    );
  });
});
