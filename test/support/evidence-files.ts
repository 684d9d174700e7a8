/**
 * Real evidence files for the tests: photos made by sharp with EXIF (camera make, serial and a
 * GPS point), read back with exifr, and uploads posted the way a browser posts a presigned POST.
 */
import exifr from 'exifr';
import sharp from 'sharp';

/** Degrees as the EXIF rational triple sharp writes ("10/1 46/1 21/1"). */
function rational(degrees: number): string {
  const whole = Math.floor(degrees);
  const minutes = Math.floor((degrees - whole) * 60);
  const seconds = Math.round(((degrees - whole) * 60 - minutes) * 60 * 1000);
  return `${whole}/1 ${minutes}/1 ${seconds}/1000`;
}

/** A JPEG (or PNG/WebP) with a camera's EXIF: make, model, body serial and the GPS point. */
export async function photoWithGps(lat: number, lon: number, options: { format?: 'jpeg' | 'png' | 'webp'; colour?: string; width?: number } = {}): Promise<Uint8Array> {
  const format = options.format ?? 'jpeg';
  const image = sharp({ create: { width: options.width ?? 96, height: 64, channels: 3, background: options.colour ?? '#3a6' } })
    .toFormat(format)
    .withExif({
      IFD0: { Make: 'TinbaoCam', Model: 'Evidence 1', Software: 'tipster-phone' },
      IFD2: { BodySerialNumber: 'SN-0042-TIPSTER' },
      IFD3: { GPSLatitudeRef: lat >= 0 ? 'N' : 'S', GPSLatitude: rational(Math.abs(lat)), GPSLongitudeRef: lon >= 0 ? 'E' : 'W', GPSLongitude: rational(Math.abs(lon)) },
    });
  return new Uint8Array(await image.toBuffer());
}

/** The EXIF GPS of a file, or undefined. */
export async function gpsOf(bytes: Uint8Array): Promise<{ latitude: number; longitude: number } | undefined> {
  try {
    return ((await exifr.gps(Buffer.from(bytes))) as { latitude: number; longitude: number } | undefined) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Whether sharp finds any EXIF, XMP or IPTC block in an image. */
export async function hasImageMetadata(bytes: Uint8Array): Promise<boolean> {
  const metadata = await sharp(bytes).metadata();
  return Boolean(metadata.exif || metadata.xmp || metadata.iptc);
}

/** A PDF whose document information names its author, as office programs write it. */
export async function pdfWithAuthor(author: string): Promise<Uint8Array> {
  const { PDFDocument } = await import('pdf-lib');
  const document = await PDFDocument.create();
  document.addPage([200, 200]).drawText('Bien ban', { x: 20, y: 150, size: 18 });
  document.setAuthor(author);
  document.setCreator('TipsterOffice 1.0');
  return document.save({ useObjectStreams: false });
}

/** One ISO-BMFF box: a 32-bit size, a four-character type, the payload. */
function box(type: string, ...payload: Uint8Array[]): Uint8Array {
  const size = 8 + payload.reduce((sum, part) => sum + part.byteLength, 0);
  const head = new Uint8Array(8);
  new DataView(head.buffer).setUint32(0, size);
  // Types are four bytes; Apple's user data types start with 0xA9 (©), written here as Latin-1.
  head.set(Buffer.from(type, 'latin1'), 4);
  return Buffer.concat([head, ...payload]);
}

/** A small MP4 as a phone writes it: ftyp, moov with a movie header and user data holding the GPS point (©xyz), then mdat. */
export function mp4WithLocation(location: string): Uint8Array {
  const text = new TextEncoder();
  return Buffer.concat([
    box('ftyp', text.encode('isom'), Uint8Array.of(0, 0, 2, 0), text.encode('isomiso2avc1mp41')),
    box('moov', box('mvhd', new Uint8Array(100)), box('udta', box('\u00a9xyz', Uint8Array.of(0, location.length, 0x15, 0xc7), text.encode(location)))),
    box('mdat', new Uint8Array(256).fill(0x42)),
  ]);
}

/** What intake answers for one declared file. */
export interface UploadTicketAnswer {
  readonly id: string;
  readonly url: string;
  readonly fields: Record<string, string>;
  readonly expiresAt: string;
}

/** Posts a file to a presigned POST as a browser form does: every field, then the file last. */
export async function postUpload(ticket: UploadTicketAnswer, bytes: Uint8Array, fileName: string, contentType: string, headers: Record<string, string> = {}) {
  const form = new FormData();
  for (const [name, value] of Object.entries(ticket.fields)) form.append(name, value);
  form.append('file', new Blob([Buffer.from(bytes)], { type: contentType }), fileName);
  const response = await fetch(ticket.url, { method: 'POST', body: form, headers });
  return { status: response.status, text: await response.text(), headers: response.headers };
}
