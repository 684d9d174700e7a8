/**
 * Blanking MP4/MOV metadata: every `udta`/`meta` box of `moov` and its tracks, and the XMP
 * `uuid` box, becomes a `free` box of the same size; nothing else moves, so chunk offsets into
 * `mdat` stay right. A file whose boxes do not add up is refused (the scan quarantines it).
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { blankIsoBmffMetadata } from '../../shared/attachments/iso-bmff.ts';

const xmpUuid = [0xbe, 0x7a, 0xcf, 0xcb, 0x97, 0xa9, 0x42, 0xe8, 0x9c, 0x71, 0x99, 0x94, 0x91, 0xe3, 0xaf, 0xac];
const encoder = new TextEncoder();

/** A box to build: a leaf with a payload, or a container of boxes. */
interface Node {
  readonly type: string;
  readonly payload?: Uint8Array;
  readonly children?: readonly Node[];
  /** Written with a 64-bit largesize. */
  readonly large?: boolean;
  /** Written with size 0 (to the end of the file) and a 32-bit header; only for the last top-level box. */
  readonly toEnd?: boolean;
  /** The box the blanking must turn into `free`. */
  readonly metadata?: boolean;
}

/** A metadata box the build wrote: where it is, how long its header is. */
interface Written {
  readonly start: number;
  readonly headerLength: number;
  readonly end: number;
}

function build(nodes: readonly Node[]): { bytes: Uint8Array; metadata: Written[] } {
  const metadata: Written[] = [];
  const parts: number[] = [];
  const write = (node: Node): void => {
    const start = parts.length;
    const headerLength = node.large ? 16 : 8;
    for (let k = 0; k < headerLength; k++) parts.push(0);
    if (node.payload) parts.push(...node.payload);
    for (const child of node.children ?? []) write(child);
    const size = parts.length - start;
    const view = new DataView(new ArrayBuffer(16));
    view.setUint32(0, node.toEnd ? 0 : node.large ? 1 : size);
    for (let k = 0; k < 4; k++) view.setUint8(4 + k, node.type.charCodeAt(k));
    if (node.large) {
      view.setUint32(8, Math.floor(size / 2 ** 32));
      view.setUint32(12, size % 2 ** 32);
    }
    for (let k = 0; k < headerLength; k++) parts[start + k] = view.getUint8(k);
    if (node.metadata) metadata.push({ start, headerLength, end: parts.length });
  };
  for (const node of nodes) write(node);
  return { bytes: Uint8Array.from(parts), metadata };
}

const ftyp: Node = { type: 'ftyp', payload: encoder.encode('isom\0\0\x02\0isomiso2mp41') };
const leaf = (type: string, text: string, metadata = false): Node => ({ type, payload: encoder.encode(text), metadata });

/** A phone's MP4: a GPS point in moov/udta, the camera in trak/meta, XMP at the top, and an stco pointing into mdat. */
function phoneVideo() {
  const samples = encoder.encode('frame-0 frame-1 frame-2');
  const withOffset = (offset: number): Node[] => [
    ftyp,
    { type: 'uuid', payload: Uint8Array.from([...xmpUuid, ...encoder.encode('<x:xmpmeta>GPS 10.7727N</x:xmpmeta>')]), metadata: true },
    {
      type: 'moov',
      children: [
        leaf('mvhd', 'movie header'),
        {
          type: 'trak',
          children: [
            leaf('tkhd', 'track header'),
            { type: 'mdia', children: [{ type: 'minf', children: [{ type: 'stbl', children: [{ type: 'stco', payload: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1, offset >>> 24, (offset >>> 16) & 0xff, (offset >>> 8) & 0xff, offset & 0xff) }] }] }] },
            leaf('meta', 'com.apple.quicktime.make=TinbaoCam model=Evidence 1', true),
          ],
        },
        leaf('udta', '\xa9xyz+10.7727+106.6952/', true),
      ],
    },
    { type: 'mdat', payload: samples },
  ];
  // The first build finds where mdat's samples start; the second writes that offset into stco.
  const first = build(withOffset(0));
  const mdatStart = first.bytes.length - samples.length;
  return { ...build(withOffset(mdatStart)), mdatStart, samples };
}

function assertBlanked(input: Uint8Array, output: Uint8Array | undefined, metadata: readonly Written[]): void {
  assert.ok(output, 'a sound file is cleaned');
  assert.equal(output.length, input.length);
  const inMetadata = new Uint8Array(input.length);
  for (const box of metadata) {
    assert.equal(String.fromCharCode(...output.subarray(box.start + 4, box.start + 8)), 'free');
    assert.deepEqual(output.subarray(box.start, box.start + 4), input.subarray(box.start, box.start + 4), 'the size stays');
    assert.ok(output.subarray(box.start + box.headerLength, box.end).every((byte) => byte === 0), 'the payload is zero');
    inMetadata.fill(1, box.start + 4, box.start + 8);
    inMetadata.fill(1, box.start + box.headerLength, box.end);
  }
  for (let k = 0; k < input.length; k++) if (!inMetadata[k]) assert.equal(output[k], input[k], `byte ${k} is not metadata and must not change`);
}

describe('blankIsoBmffMetadata', () => {
  it('blanks the GPS, camera and XMP of a phone video, and its chunk offsets still point at the samples', () => {
    const { bytes, metadata, mdatStart, samples } = phoneVideo();
    const output = blankIsoBmffMetadata(bytes);
    assertBlanked(bytes, output, metadata);
    const text = new TextDecoder('latin1').decode(output);
    for (const secret of ['106.6952', 'TinbaoCam', 'xmpmeta']) assert.ok(!text.includes(secret), secret);
    assert.deepEqual(output!.subarray(mdatStart, mdatStart + samples.length), samples);
    assert.ok(text.includes('stco'));
    assert.notEqual(output, bytes, 'the input is left as it was');
    assert.ok(new TextDecoder('latin1').decode(bytes).includes('TinbaoCam'));
  });

  it('keeps a uuid box that is not XMP, and a file without metadata as it is', () => {
    const { bytes } = build([ftyp, { type: 'uuid', payload: Uint8Array.from([...new Array(16).fill(7), 1, 2, 3]) }, { type: 'moov', children: [leaf('mvhd', 'x')] }, leaf('mdat', 'data')]);
    assert.deepEqual(blankIsoBmffMetadata(bytes), bytes);
  });

  it('reads 64-bit sizes and a last box that runs to the end of the file', () => {
    const { bytes, metadata } = build([ftyp, { type: 'moov', large: true, children: [leaf('mvhd', 'x'), { ...leaf('udta', 'secret', true), large: true }] }, { ...leaf('mdat', 'samples to the end'), toEnd: true }]);
    assertBlanked(bytes, blankIsoBmffMetadata(bytes), metadata);
  });

  it('refuses files whose boxes do not add up, or that have no moov', () => {
    const { bytes } = phoneVideo();
    const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
    const truncated = bytes.slice(0, -1);
    const trailing = Uint8Array.from([...bytes, 0, 0, 0]);
    const overflow = bytes.slice();
    view(overflow).setUint32(0, bytes.length + 1);
    const tooSmall = bytes.slice();
    view(tooSmall).setUint32(0, 4);
    const moovAt = new TextDecoder('latin1').decode(bytes).indexOf('moov') - 4;
    const childOverflow = bytes.slice();
    view(childOverflow).setUint32(moovAt + 8, 0xffff);
    const hugeLarge = build([ftyp, { type: 'moov', large: true, children: [leaf('mvhd', 'x')] }]).bytes;
    view(hugeLarge).setUint32(ftyp.payload!.length + 8 + 8, 0xffffffff);
    const noMoov = build([ftyp, leaf('mdat', 'samples')]).bytes;
    for (const [what, file] of Object.entries({ truncated, trailing, overflow, tooSmall, childOverflow, hugeLarge, noMoov, empty: new Uint8Array() })) {
      assert.equal(blankIsoBmffMetadata(file), undefined, what);
    }
  });

  const payload = fc.uint8Array({ maxLength: 24 });
  const metadataLeaf = fc.record({ type: fc.constantFrom('udta', 'meta'), payload, large: fc.boolean() }).map((node): Node => ({ ...node, metadata: true }));
  const plainLeaf = fc.record({ type: fc.constantFrom('mvhd', 'tkhd', 'edts', 'mdia', 'free', 'skip'), payload, large: fc.boolean() }).map((node): Node => node);
  const trak = fc.array(fc.oneof(plainLeaf, metadataLeaf), { maxLength: 4 }).map((children): Node => ({ type: 'trak', children }));
  const moov = fc.record({ children: fc.array(fc.oneof(plainLeaf, metadataLeaf, trak), { maxLength: 5 }), large: fc.boolean() }).map(({ children, large }): Node => ({ type: 'moov', children, large }));
  const xmp = payload.map((data): Node => ({ type: 'uuid', payload: Uint8Array.from([...xmpUuid, ...data]), metadata: true }));
  const file = fc
    .record({ before: fc.option(xmp, { nil: undefined }), moov, mdat: payload, mdatToEnd: fc.boolean(), mdatFirst: fc.boolean() })
    .map(({ before, moov: movie, mdat, mdatToEnd, mdatFirst }) => {
      const media: Node = { type: 'mdat', payload: mdat };
      const boxes = [ftyp, ...(before ? [before] : []), ...(mdatFirst ? [media, movie] : [movie, media])];
      const last = boxes.length - 1;
      return build(boxes.map((box, index) => (index === last && mdatToEnd ? { ...box, toEnd: true, large: false } : box)));
    });

  it('keeps the length and every byte that is not metadata, for any sound file', () => {
    fc.assert(
      fc.property(file, ({ bytes, metadata }) => {
        assertBlanked(bytes, blankIsoBmffMetadata(bytes), metadata);
      }),
    );
  });

  it('never throws on arbitrary bytes, and answers the same length or nothing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const output = blankIsoBmffMetadata(bytes);
        assert.ok(output === undefined || output.length === bytes.length);
      }),
    );
  });
});
