import { crc32 } from 'node:zlib';
import { parseExifDate, readPhotoMeta, type PhotoMeta } from './exif.js';

/** One IFD entry to write: text, unsigned rationals, a LONG, or raw bytes of a given type. */
type Entry =
  | { tag: number; ascii: string }
  | { tag: number; rationals: [number, number][] }
  | { tag: number; long: number }
  | { tag: number; type: number; count: number; bytes: Buffer };

interface TiffSpec {
  little: boolean;
  ifd0?: Entry[];
  exif?: Entry[];
  gps?: Entry[];
}

/** Encodes one entry's value bytes in the given byte order. */
function encode(e: Entry, little: boolean): { tag: number; type: number; count: number; bytes: Buffer } {
  if ('bytes' in e) return e;
  if ('ascii' in e) {
    const bytes = Buffer.from(e.ascii + '\0', 'latin1');
    return { tag: e.tag, type: 2, count: bytes.length, bytes };
  }
  if ('long' in e) {
    const bytes = Buffer.alloc(4);
    little ? bytes.writeUInt32LE(e.long) : bytes.writeUInt32BE(e.long);
    return { tag: e.tag, type: 4, count: 1, bytes };
  }
  const bytes = Buffer.alloc(8 * e.rationals.length);
  e.rationals.forEach(([num, den], i) => {
    if (little) {
      bytes.writeUInt32LE(num, i * 8);
      bytes.writeUInt32LE(den, i * 8 + 4);
    } else {
      bytes.writeUInt32BE(num, i * 8);
      bytes.writeUInt32BE(den, i * 8 + 4);
    }
  });
  return { tag: e.tag, type: 5, count: e.rationals.length, bytes };
}

/** Assembles a TIFF structure: header, IFD0, then the Exif and GPS IFDs, then the out-of-line values. */
function tiff(spec: TiffSpec): Buffer {
  const { little } = spec;
  const ifd0 = [...(spec.ifd0 ?? [])];
  const subs = [spec.exif, spec.gps];
  // IFD sizes depend only on entry counts, so the layout is known before the pointers are written.
  const counts = [ifd0.length + subs.filter(Boolean).length, ...subs.map((e) => e?.length ?? 0)];
  const offsets: number[] = [];
  let next = 8;
  for (const count of counts) {
    offsets.push(next);
    next += count === 0 ? 0 : 2 + count * 12 + 4;
  }
  if (spec.exif) ifd0.push({ tag: 0x8769, long: offsets[1]! });
  if (spec.gps) ifd0.push({ tag: 0x8825, long: offsets[2]! });
  const ifds = [ifd0, spec.exif, spec.gps];

  const head = Buffer.alloc(next);
  const extra: Buffer[] = [];
  let extraAt = next;
  const w16 = (v: number, at: number) => (little ? head.writeUInt16LE(v, at) : head.writeUInt16BE(v, at));
  const w32 = (v: number, at: number) => (little ? head.writeUInt32LE(v, at) : head.writeUInt32BE(v, at));
  head.write(little ? 'II' : 'MM', 0, 'latin1');
  w16(42, 2);
  w32(8, 4);
  ifds.forEach((entries, i) => {
    if (!entries || counts[i] === 0) return;
    const base = offsets[i]!;
    const encoded = entries.map((e) => encode(e, little)).sort((a, b) => a.tag - b.tag);
    w16(encoded.length, base);
    encoded.forEach((e, j) => {
      const at = base + 2 + j * 12;
      w16(e.tag, at);
      w16(e.type, at + 2);
      w32(e.count, at + 4);
      if (e.bytes.length <= 4) {
        e.bytes.copy(head, at + 8);
      } else {
        w32(extraAt, at + 8);
        extra.push(e.bytes);
        extraAt += e.bytes.length;
      }
    });
    w32(0, base + 2 + encoded.length * 12); // no next IFD
  });
  return Buffer.concat([head, ...extra]);
}

/** A JPEG marker segment with its length. */
function segment(marker: number, body: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([head, body]);
}

/** A JPEG with a JFIF APP0, an optional Exif APP1 (after an XMP APP1), a quantisation table and some scan data. */
function jpeg(exif: Buffer | null): Buffer {
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')),
    segment(0xe1, Buffer.from('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>', 'latin1')),
    ...(exif ? [segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), exif]))] : []),
    segment(0xdb, Buffer.alloc(65, 1)),
    segment(0xda, Buffer.from([1, 1, 0, 0, 0x3f, 0])),
    Buffer.from([0x12, 0x34, 0xff, 0x00, 0x56]),
    Buffer.from([0xff, 0xd9]),
  ]);
}

/** A PNG chunk with its CRC. */
function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])));
  return Buffer.concat([head, body, crc]);
}

/** A 1×1 PNG with an optional eXIf chunk. */
function png(exif: Buffer | null): Buffer {
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...(exif ? [chunk('eXIf', exif)] : []),
    chunk('IDAT', Buffer.from([0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1])),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A RIFF chunk, padded to an even size. */
function riffChunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.write(type, 0, 'latin1');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body, Buffer.alloc(body.length & 1)]);
}

/** An extended WebP with an optional EXIF chunk placed after the (odd-sized) image data. */
function webp(exif: Buffer | null): Buffer {
  const body = Buffer.concat([
    Buffer.from('WEBP', 'latin1'),
    riffChunk('VP8X', Buffer.from([0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0])),
    riffChunk('VP8L', Buffer.from([0x2f, 0, 0, 0, 0x10, 0x07, 0x10, 0x11, 0x11])),
    ...(exif ? [riffChunk('EXIF', exif)] : []),
  ]);
  const head = Buffer.from('RIFF\0\0\0\0', 'latin1');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}

const NULLS: PhotoMeta = { takenAt: null, lat: null, lng: null };

/** 34°30'36" and 106°7'12.34" as EXIF rationals. */
const LAT_DMS: [number, number][] = [
  [34, 1],
  [30, 1],
  [36, 1],
];
const LNG_DMS: [number, number][] = [
  [106, 1],
  [7, 1],
  [1234, 100],
];
const LAT = 34 + 30 / 60 + 36 / 3600;
const LNG = 106 + 7 / 60 + 12.34 / 3600;

/** A typical phone photo's TIFF: camera make, dates, offset and a northern/eastern fix. */
function phoneTiff(little: boolean, overrides: Partial<Pick<TiffSpec, 'ifd0' | 'exif' | 'gps'>> = {}): Buffer {
  return tiff({
    little,
    ifd0: overrides.ifd0 ?? [
      { tag: 0x010f, ascii: 'HUAWEI' },
      { tag: 0x0132, ascii: '2024:05:06 10:00:00' },
    ],
    exif: overrides.exif ?? [{ tag: 0x9003, ascii: '2024:05:06 07:08:09' }],
    gps: overrides.gps ?? [
      { tag: 0x0001, ascii: 'N' },
      { tag: 0x0002, rationals: LAT_DMS },
      { tag: 0x0003, ascii: 'E' },
      { tag: 0x0004, rationals: LNG_DMS },
    ],
  });
}

describe('readPhotoMeta', () => {
  describe.each([
    ['little-endian', true],
    ['big-endian', false],
  ])('%s TIFF', (_name, little) => {
    it('reads DateTimeOriginal as China time and the GPS position from a JPEG', () => {
      const meta = readPhotoMeta(jpeg(phoneTiff(little)), 'image/jpeg');
      expect(meta.takenAt?.toISOString()).toBe('2024-05-05T23:08:09.000Z');
      expect(meta.lat).toBeCloseTo(LAT, 10);
      expect(meta.lng).toBeCloseTo(LNG, 10);
    });

    it('makes southern latitudes and western longitudes negative', () => {
      const gps: Entry[] = [
        { tag: 0x0001, ascii: 'S' },
        { tag: 0x0002, rationals: [[3346, 100], [0, 1], [0, 1]] },
        { tag: 0x0003, ascii: 'W' },
        { tag: 0x0004, rationals: [[70, 1], [39, 1], [3600, 100]] },
      ];
      const meta = readPhotoMeta(jpeg(phoneTiff(little, { gps })), 'image/jpeg');
      expect(meta.lat).toBeCloseTo(-33.46, 10);
      expect(meta.lng).toBeCloseTo(-(70 + 39 / 60 + 36 / 3600), 10);
    });

    it('honours OffsetTimeOriginal', () => {
      const exif: Entry[] = [
        { tag: 0x9003, ascii: '2024:05:06 07:08:09' },
        { tag: 0x9011, ascii: '-05:30' },
      ];
      const meta = readPhotoMeta(jpeg(phoneTiff(little, { exif })), 'image/jpeg');
      expect(meta.takenAt?.toISOString()).toBe('2024-05-06T12:38:09.000Z');
    });

    it('falls back to the IFD0 DateTime without DateTimeOriginal', () => {
      const exif: Entry[] = [{ tag: 0x9010, ascii: '+00:00' }];
      const meta = readPhotoMeta(jpeg(phoneTiff(little, { exif })), 'image/jpeg');
      expect(meta.takenAt?.toISOString()).toBe('2024-05-06T10:00:00.000Z');
      const bare = tiff({ little, ifd0: [{ tag: 0x0132, ascii: '2024:05:06 10:00:00' }] });
      expect(readPhotoMeta(jpeg(bare), 'image/jpeg')).toEqual({
        takenAt: new Date('2024-05-06T02:00:00.000Z'),
        lat: null,
        lng: null,
      });
    });

    it('falls back to the IFD0 DateTime when DateTimeOriginal is blank', () => {
      const exif: Entry[] = [{ tag: 0x9003, ascii: '    :  :     :  :  ' }];
      const meta = readPhotoMeta(jpeg(phoneTiff(little, { exif })), 'image/jpeg');
      expect(meta.takenAt?.toISOString()).toBe('2024-05-06T02:00:00.000Z');
    });

    it('reads the eXIf chunk of a PNG', () => {
      const meta = readPhotoMeta(png(phoneTiff(little)), 'image/png');
      expect(meta.takenAt?.toISOString()).toBe('2024-05-05T23:08:09.000Z');
      expect(meta.lat).toBeCloseTo(LAT, 10);
      expect(meta.lng).toBeCloseTo(LNG, 10);
    });

    it('reads the EXIF chunk of a WebP with or without the Exif header', () => {
      const raw = phoneTiff(little);
      for (const exif of [raw, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), raw])]) {
        const meta = readPhotoMeta(webp(exif), 'image/webp');
        expect(meta.takenAt?.toISOString()).toBe('2024-05-05T23:08:09.000Z');
        expect(meta.lat).toBeCloseTo(LAT, 10);
        expect(meta.lng).toBeCloseTo(LNG, 10);
      }
    });
  });

  it('reads a WebP whose EXIF chunk has an odd size and a padding byte', () => {
    const raw = phoneTiff(true, { ifd0: [{ tag: 0x010f, ascii: 'ODD' }] });
    const odd = raw.length % 2 === 1 ? raw : Buffer.concat([raw, Buffer.from([0])]);
    expect(odd.length % 2).toBe(1);
    expect(readPhotoMeta(webp(odd), 'image/webp').lat).toBeCloseTo(LAT, 10);
  });

  it('returns nulls for photos without EXIF', () => {
    expect(readPhotoMeta(jpeg(null), 'image/jpeg')).toEqual(NULLS);
    expect(readPhotoMeta(png(null), 'image/png')).toEqual(NULLS);
    expect(readPhotoMeta(webp(null), 'image/webp')).toEqual(NULLS);
  });

  it('returns the date alone when there is no GPS IFD, and the position alone when there is no date', () => {
    const dateOnly = tiff({ little: true, exif: [{ tag: 0x9003, ascii: '2024:05:06 07:08:09' }] });
    expect(readPhotoMeta(jpeg(dateOnly), 'image/jpeg')).toEqual({
      takenAt: new Date('2024-05-05T23:08:09Z'),
      lat: null,
      lng: null,
    });
    const gpsOnly = tiff({
      little: false,
      gps: [
        { tag: 0x0002, rationals: LAT_DMS },
        { tag: 0x0004, rationals: LNG_DMS },
      ],
    });
    const meta = readPhotoMeta(jpeg(gpsOnly), 'image/jpeg');
    expect(meta.takenAt).toBeNull();
    expect(meta.lat).toBeCloseTo(LAT, 10); // no reference: north and east
    expect(meta.lng).toBeCloseTo(LNG, 10);
  });

  it('ignores GPS positions that cannot be right', () => {
    const gps = (lat: [number, number][], lng: [number, number][]): Entry[] => [
      { tag: 0x0002, rationals: lat },
      { tag: 0x0004, rationals: lng },
    ];
    const cases = [
      gps([[34, 0]], LNG_DMS), // zero denominator
      gps([[91, 1]], LNG_DMS), // beyond the pole
      gps(LAT_DMS, [[181, 1]]),
      gps([[0, 1], [0, 1], [0, 1]], [[0, 1], [0, 1], [0, 1]]), // "no fix" placeholder
    ];
    for (const g of cases) {
      const meta = readPhotoMeta(jpeg(phoneTiff(true, { gps: g })), 'image/jpeg');
      expect(meta).toMatchObject({ lat: null, lng: null });
      expect(meta.takenAt).not.toBeNull();
    }
    const wrongType: Entry[] = [
      { tag: 0x0002, type: 4, count: 3, bytes: Buffer.alloc(12, 1) },
      { tag: 0x0004, rationals: LNG_DMS },
    ];
    expect(readPhotoMeta(jpeg(phoneTiff(true, { gps: wrongType })), 'image/jpeg').lat).toBeNull();
  });

  it('reads a photo whose declared type is wrong by its signature', () => {
    expect(readPhotoMeta(png(phoneTiff(true)), 'image/jpeg').lat).toBeCloseTo(LAT, 10);
    expect(readPhotoMeta(jpeg(phoneTiff(true)), 'image/webp').lat).toBeCloseTo(LAT, 10);
  });

  it('returns nulls for garbage without throwing', () => {
    const inputs = [
      Buffer.alloc(0),
      Buffer.from([0xff]),
      Buffer.from([0xff, 0xd8]),
      Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff]), // APP1 longer than the file
      Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x01]), // impossible length
      Buffer.from('not an image at all', 'latin1'),
      Buffer.from('RIFF\xff\xff\xff\xffWEBPEXIF\xff\xff\xff\xff', 'latin1'),
      Buffer.from('\x89PNG\r\n\x1a\n\xff\xff\xff\xffeXIf', 'latin1'),
    ];
    for (const input of inputs) {
      for (const type of ['image/jpeg', 'image/png', 'image/webp'] as const) {
        expect(readPhotoMeta(input, type)).toEqual(NULLS);
      }
    }
  });

  it('returns nulls for broken TIFF structures', () => {
    const exifSegment = (t: Buffer) => jpeg(t);
    const good = phoneTiff(true);
    const badOrder = Buffer.from(good);
    badOrder.write('XX', 0, 'latin1');
    const badMagic = Buffer.from(good);
    badMagic.writeUInt16LE(43, 2);
    const farIfd0 = Buffer.from(good);
    farIfd0.writeUInt32LE(0xfffffff0, 4);
    const hugeCount = Buffer.from(good);
    hugeCount.writeUInt16LE(0xffff, 8);
    for (const t of [badOrder, badMagic, farIfd0, hugeCount, good.subarray(0, 7), good.subarray(0, 20)]) {
      expect(readPhotoMeta(exifSegment(t), 'image/jpeg')).toEqual(NULLS);
    }
  });

  it('skips entries whose values point outside the TIFF', () => {
    const t = phoneTiff(true, {
      exif: [{ tag: 0x9003, ascii: '2024:05:06 07:08:09' }],
      gps: [
        { tag: 0x0002, rationals: LAT_DMS },
        { tag: 0x0004, rationals: LNG_DMS },
      ],
    });
    // Point every out-of-line value offset past the end.
    const broken = Buffer.from(t);
    const ifd0Count = broken.readUInt16LE(8);
    for (let i = 0; i < ifd0Count; i++) {
      const at = 8 + 2 + i * 12;
      const tag = broken.readUInt16LE(at);
      if (tag === 0x8769 || tag === 0x8825) {
        const sub = broken.readUInt32LE(at + 8);
        const n = broken.readUInt16LE(sub);
        for (let j = 0; j < n; j++) broken.writeUInt32LE(broken.length + 100, sub + 2 + j * 12 + 8);
      }
    }
    const meta = readPhotoMeta(jpeg(broken), 'image/jpeg');
    // DateTime in IFD0 is still intact; the Exif date and the position are not.
    expect(meta).toEqual({ takenAt: new Date('2024-05-06T02:00:00Z'), lat: null, lng: null });
  });

  it('never throws on any truncation, and reads nothing from a file cut inside its metadata', () => {
    for (const [make, type] of [
      [jpeg, 'image/jpeg'],
      [png, 'image/png'],
      [webp, 'image/webp'],
    ] as const) {
      const full = make(phoneTiff(false));
      const tiffAt = full.indexOf(Buffer.from('MM\0*', 'latin1'));
      const metaEnd = tiffAt + phoneTiff(false).length;
      for (let cut = 0; cut < full.length; cut++) {
        const meta = readPhotoMeta(full.subarray(0, cut), type);
        if (cut < metaEnd && type !== 'image/png') expect(meta).toEqual(NULLS);
        if (cut < metaEnd + 4 && type === 'image/png') expect(meta).toEqual(NULLS); // the CRC must be there too
      }
    }
  });

  it('never throws on randomly corrupted files and only returns plausible values', () => {
    // A small deterministic generator keeps the corruption reproducible.
    let state = 0x2545f491;
    const rand = () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) / 2 ** 32;
    };
    const originals = [jpeg(phoneTiff(true)), jpeg(phoneTiff(false)), png(phoneTiff(true)), webp(phoneTiff(false))];
    for (let round = 0; round < 3000; round++) {
      const file = Buffer.from(originals[round % originals.length]!);
      const flips = 1 + Math.floor(rand() * 8);
      for (let f = 0; f < flips; f++) file[Math.floor(rand() * file.length)] = Math.floor(rand() * 256);
      const type = (['image/jpeg', 'image/png', 'image/webp'] as const)[round % 3]!;
      let meta: PhotoMeta = NULLS;
      expect(() => (meta = readPhotoMeta(file, type))).not.toThrow();
      if (meta.takenAt) expect(Number.isNaN(meta.takenAt.getTime())).toBe(false);
      if (meta.lat !== null) expect(Math.abs(meta.lat)).toBeLessThanOrEqual(90);
      if (meta.lng !== null) expect(Math.abs(meta.lng)).toBeLessThanOrEqual(180);
      expect(meta.lat === null).toBe(meta.lng === null);
    }
  });
});

describe('parseExifDate', () => {
  it('reads the EXIF format as China time by default', () => {
    expect(parseExifDate('2025:01:01 00:30:00')?.toISOString()).toBe('2024-12-31T16:30:00.000Z');
  });

  it('applies an explicit offset', () => {
    expect(parseExifDate('2025:01:01 00:30:00', '+00:00')?.toISOString()).toBe('2025-01-01T00:30:00.000Z');
    expect(parseExifDate('2025:01:01 00:30:00', '+09:00')?.toISOString()).toBe('2024-12-31T15:30:00.000Z');
    expect(parseExifDate('2025:01:01 00:30:00', '-03:30')?.toISOString()).toBe('2025-01-01T04:00:00.000Z');
  });

  it('ignores a malformed offset', () => {
    expect(parseExifDate('2025:01:01 00:30:00', '+8')?.toISOString()).toBe('2024-12-31T16:30:00.000Z');
    expect(parseExifDate('2025:01:01 00:30:00', '   ')?.toISOString()).toBe('2024-12-31T16:30:00.000Z');
  });

  it('rejects placeholders and impossible dates', () => {
    const bad = [
      null,
      '',
      '0000:00:00 00:00:00',
      '2024:02:30 10:00:00',
      '2024:13:01 10:00:00',
      '2024-05-06 10:00:00',
      '2024:05:06 24:00:00',
    ];
    for (const s of bad) expect(parseExifDate(s)).toBeNull();
  });
});
