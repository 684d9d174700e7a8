/**
 * Metadata removal for MP4 and MOV (ISO base media files, ISO/IEC 14496-12; QuickTime shares the
 * box structure). Phones write who, where and with what into `udta` and `meta` boxes (©xyz
 * holds the GPS point, ©mak and ©mod the camera) and XMP into a `uuid` box at the top level.
 *
 * Each such box becomes a `free` box of the same size with its payload zeroed. Nothing moves:
 * the sample tables (`stco`/`co64`) point into `mdat` by absolute file offsets, so deleting a
 * box would break every chunk offset after it, while a box of the same size keeps them right.
 * A player skips `free` boxes by definition.
 *
 * The walk trusts nothing: a size that overflows its parent, a header cut short, or a file
 * without `moov` means the structure is not sound, and the caller quarantines the file rather
 * than hand officers something only half cleaned.
 */

/** A box: where it starts, how long its header is, where it ends (exclusive). */
interface Box {
  readonly type: string;
  readonly start: number;
  readonly headerLength: number;
  readonly end: number;
}

/** Boxes that carry metadata wherever they sit in `moov` or a `trak`. */
const metadataBoxes: ReadonlySet<string> = new Set(['udta', 'meta']);

/** The usertype of the XMP `uuid` box (Adobe XMP specification, part 3). */
const xmpUuid = Uint8Array.of(0xbe, 0x7a, 0xcf, 0xcb, 0x97, 0xa9, 0x42, 0xe8, 0x9c, 0x71, 0x99, 0x94, 0x91, 0xe3, 0xaf, 0xac);

/** Largest `largesize` a file in memory can have (and a double can hold exactly). */
const maxSafeHigh = Math.floor(Number.MAX_SAFE_INTEGER / 2 ** 32);

function fourCC(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at] as number, bytes[at + 1] as number, bytes[at + 2] as number, bytes[at + 3] as number);
}

/** The boxes that exactly fill [start, end); undefined if they do not. */
function boxesIn(bytes: Uint8Array, view: DataView, start: number, end: number): Box[] | undefined {
  const boxes: Box[] = [];
  let at = start;
  while (at < end) {
    if (end - at < 8) return undefined;
    const size32 = view.getUint32(at);
    const type = fourCC(bytes, at + 4);
    let headerLength = 8;
    let size: number;
    if (size32 === 1) {
      if (end - at < 16) return undefined;
      const high = view.getUint32(at + 8);
      if (high > maxSafeHigh) return undefined;
      size = high * 2 ** 32 + view.getUint32(at + 12);
      headerLength = 16;
    } else if (size32 === 0) {
      // Size 0: the box runs to the end of its parent (in practice, of the file).
      size = end - at;
    } else {
      size = size32;
    }
    if (size < headerLength || size > end - at) return undefined;
    boxes.push({ type, start: at, headerLength, end: at + size });
    at += size;
  }
  return boxes;
}

function isXmpUuid(bytes: Uint8Array, box: Box): boolean {
  if (box.type !== 'uuid' || box.end - box.start < box.headerLength + 16) return false;
  const usertype = bytes.subarray(box.start + box.headerLength, box.start + box.headerLength + 16);
  return usertype.every((byte, index) => byte === xmpUuid[index]);
}

/** Turns the box into a `free` box of the same size: the size fields stay, the rest is zero. */
function blank(out: Uint8Array, box: Box): void {
  out.set([0x66, 0x72, 0x65, 0x65], box.start + 4);
  out.fill(0, box.start + box.headerLength, box.end);
}

/**
 * The file with every `udta` and `meta` box of `moov` and of each `trak` (and at the top level,
 * where some writers put them), and every top-level XMP `uuid` box, turned into `free` boxes of
 * the same size; the same length, every other byte as it was. Undefined when the box structure
 * is not sound or there is no `moov`.
 */
export function blankIsoBmffMetadata(bytes: Uint8Array): Uint8Array | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const top = boxesIn(bytes, view, 0, bytes.length);
  if (!top) return undefined;
  const moovs = top.filter((box) => box.type === 'moov');
  if (moovs.length === 0) return undefined;
  const out = bytes.slice();
  for (const box of top) {
    if (isXmpUuid(bytes, box) || box.type === 'meta' || box.type === 'udta') blank(out, box);
  }
  for (const moov of moovs) {
    const children = boxesIn(bytes, view, moov.start + moov.headerLength, moov.end);
    if (!children) return undefined;
    for (const child of children) {
      if (metadataBoxes.has(child.type)) blank(out, child);
      if (child.type !== 'trak') continue;
      const trackChildren = boxesIn(bytes, view, child.start + child.headerLength, child.end);
      if (!trackChildren) return undefined;
      for (const trackChild of trackChildren) if (metadataBoxes.has(trackChild.type)) blank(out, trackChild);
    }
  }
  return out;
}
