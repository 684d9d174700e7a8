import { fileTypeFromBuffer } from 'file-type/core';
import type { FileTypeDetector } from '../../shared/attachments/ports.ts';

/** The file's type from its magic bytes, by the file-type library; never from its name or declared type. */
export function createFileTypeDetector(): FileTypeDetector {
  return {
    async detect(bytes) {
      return (await fileTypeFromBuffer(bytes))?.mime;
    },
  };
}
