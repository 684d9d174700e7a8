import exifr from 'exifr';
import sharp from 'sharp';
import type { AttachmentContentType, PhotoLocation } from '../../shared/attachments/attachment.ts';
import { blankIsoBmffMetadata } from '../../shared/attachments/iso-bmff.ts';
import type { AttachmentCleaner, CleanOutcome } from '../../shared/attachments/ports.ts';

/** Refuse decompression bombs: a 25 MB file may claim any pixel count. 100 megapixels is far beyond any phone. */
const maxInputPixels = 100_000_000;

/** sharp's output format for each image type it can clean. HEIC is absent: sharp's prebuilt libvips cannot decode HEVC. */
const imageFormats: Partial<Record<AttachmentContentType, 'jpeg' | 'png' | 'webp'>> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
};

/** The EXIF GPS of a photo, read before it is stripped; undefined when there is none or it cannot be read. */
async function photoLocation(bytes: Uint8Array, exif: Buffer | undefined): Promise<PhotoLocation | undefined> {
  // sharp gives the EXIF block with its APP1 "Exif\0\0" header; exifr reads the TIFF structure after it
  // (WebP, whose container exifr does not read, has its GPS only there).
  const tiff = exif && exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? exif.subarray(6) : exif;
  for (const source of [bytes, tiff]) {
    if (!source) continue;
    try {
      const gps = (await exifr.gps(Buffer.from(source.buffer, source.byteOffset, source.byteLength))) as { latitude?: number; longitude?: number } | undefined;
      if (gps && Number.isFinite(gps.latitude) && Number.isFinite(gps.longitude)) return { lat: gps.latitude as number, lon: gps.longitude as number };
    } catch {
      // Unreadable EXIF is no location; the cleaning below still decides whether the image is usable.
    }
  }
  return undefined;
}

/**
 * Re-encodes an image without any metadata (sharp writes none unless told to), after turning it
 * upright by its EXIF orientation, then reads the result back to prove no EXIF, XMP or IPTC is
 * left: an image that still carries any is not clean.
 */
async function cleanImage(bytes: Uint8Array, format: 'jpeg' | 'png' | 'webp'): Promise<CleanOutcome> {
  const input = sharp(bytes, { failOn: 'error', limitInputPixels: maxInputPixels });
  const metadata = await input.metadata();
  const location = await photoLocation(bytes, metadata.exif);
  const output = await input.rotate().toFormat(format, format === 'png' ? {} : { quality: 90 }).toBuffer();
  const check = await sharp(output).metadata();
  if (check.exif || check.xmp || check.iptc) return { ok: false };
  return { ok: true, bytes: new Uint8Array(output.buffer, output.byteOffset, output.byteLength), ...(location && { photoLocation: location }) };
}

/** Names in a PDF's catalog that carry metadata or run something when the file is opened. */
const pdfCatalogEntries = ['Metadata', 'OpenAction', 'AA', 'PieceInfo'];

/**
 * Rewrites a PDF without its document information (author, creator tool, dates), its XMP and
 * per-page metadata, and without scripts or open actions. pdf-lib writes the whole file anew, so
 * earlier revisions kept by incremental saves are gone too. An encrypted or unreadable PDF is
 * not clean.
 */
async function cleanPdf(bytes: Uint8Array): Promise<CleanOutcome> {
  // pdf-lib is a third of the scan's bundle and only PDFs need it: loaded on the first one, not at cold start.
  const { PDFDict, PDFDocument, PDFName, PDFRef } = await import('pdf-lib');
  const document = await PDFDocument.load(bytes, { updateMetadata: false });
  const { context } = document;
  // Unlinking an entry is not enough: save writes every object the file holds, linked or not.
  const drop = (dictionary: { get(key: ReturnType<typeof PDFName.of>): unknown; delete(key: ReturnType<typeof PDFName.of>): boolean }, name: string) => {
    const value = dictionary.get(PDFName.of(name));
    if (value instanceof PDFRef) context.delete(value);
    dictionary.delete(PDFName.of(name));
  };
  const info = context.trailerInfo.Info;
  if (info instanceof PDFRef) context.delete(info);
  context.trailerInfo.Info = undefined;
  const catalog = document.catalog;
  for (const name of pdfCatalogEntries) drop(catalog, name);
  const names = catalog.lookupMaybe(PDFName.of('Names'), PDFDict);
  if (names) drop(names, 'JavaScript');
  for (const page of document.getPages()) {
    for (const name of ['Metadata', 'PieceInfo', 'AA']) drop(page.node, name);
  }
  const output = await document.save({ useObjectStreams: false, updateFieldAppearances: false });
  return { ok: true, bytes: output };
}

/** Cleans files with sharp (images), the ISO-BMFF box rules (MP4 and MOV) and pdf-lib (PDF). */
export function createAttachmentCleaner(): AttachmentCleaner {
  return {
    async clean(bytes, type) {
      try {
        const format = imageFormats[type];
        if (format) return await cleanImage(bytes, format);
        if (type === 'video/mp4' || type === 'video/quicktime') {
          const blanked = blankIsoBmffMetadata(bytes);
          return blanked ? { ok: true, bytes: blanked } : { ok: false };
        }
        if (type === 'application/pdf') return await cleanPdf(bytes);
        return { ok: false };
      } catch {
        // A file the library cannot decode cannot be shown cleaned: the scan quarantines it.
        return { ok: false };
      }
    },
  };
}
