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
