/** What a photo says about itself: when it was taken and where, each null when unknown. */
export interface PhotoMeta {
  takenAt: Date | null;
  lat: number | null;
  lng: number | null;
}

/** Image formats the reader understands. */
export type PhotoContentType = 'image/jpeg' | 'image/png' | 'image/webp';

/** EXIF dates carry no zone; photos are taken in China unless the file says otherwise. */
const DEFAULT_OFFSET_MINUTES = 8 * 60;

const TAG_DATE_TIME = 0x0132;
const TAG_EXIF_IFD = 0x8769;
const TAG_GPS_IFD = 0x8825;
const TAG_DATE_TIME_ORIGINAL = 0x9003;
const TAG_OFFSET_TIME = 0x9010;
const TAG_OFFSET_TIME_ORIGINAL = 0x9011;
const TAG_GPS_LATITUDE_REF = 0x0001;
const TAG_GPS_LATITUDE = 0x0002;
const TAG_GPS_LONGITUDE_REF = 0x0003;
const TAG_GPS_LONGITUDE = 0x0004;

/** Byte size of one value of each TIFF field type (index = type code). */
const TYPE_SIZES: readonly number[] = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4];

const EXIF_HEADER = Buffer.from('Exif\0\0', 'latin1');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The answer when nothing could be read. */
function noMeta(): PhotoMeta {
  return { takenAt: null, lat: null, lng: null };
}

/** Reads the capture time and GPS position from a JPEG, PNG or WebP photo; never throws. */
export function readPhotoMeta(data: Buffer, contentType: PhotoContentType): PhotoMeta {
  try {
    const tiff = findTiff(data, sniffContentType(data) ?? contentType);
    return tiff ? readTiffMeta(tiff) : noMeta();
  } catch {
    // Every read is bounds-checked; this only guards against the unforeseen.
    return noMeta();
  }
}

/** Recognises the format from its signature, so mislabelled uploads are still read. */
function sniffContentType(data: Buffer): PhotoContentType | null {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.length >= 8 && data.subarray(0, 8).equals(PNG_SIGNATURE)) return 'image/png';
  if (data.length >= 12 && ascii(data, 0, 4) === 'RIFF' && ascii(data, 8, 4) === 'WEBP') return 'image/webp';
  return null;
}

/** Finds the raw TIFF structure holding the EXIF data inside the container. */
function findTiff(data: Buffer, contentType: PhotoContentType): Buffer | null {
  switch (contentType) {
    case 'image/jpeg':
      return findJpegTiff(data);
    case 'image/png':
      return findPngTiff(data);
    case 'image/webp':
      return findWebpTiff(data);
    default:
      return null;
  }
}

/** Reads `length` bytes at `offset` as Latin-1, or '' when out of bounds. */
function ascii(data: Buffer, offset: number, length: number): string {
  if (offset < 0 || length < 0 || offset + length > data.length) return '';
  return data.toString('latin1', offset, offset + length);
}

/** Walks the JPEG markers up to the image data and returns the TIFF of the first APP1 Exif segment. */
function findJpegTiff(data: Buffer): Buffer | null {
  if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) return null;
  let pos = 2;
  while (pos + 1 < data.length) {
    if (data[pos] !== 0xff) return null;
    const marker = data[pos + 1]!;
    if (marker === 0xff) {
      pos += 1; // fill byte
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image, start of scan
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2; // markers without a length
      continue;
    }
    if (pos + 4 > data.length) return null;
    const length = data.readUInt16BE(pos + 2);
    const start = pos + 4;
    const end = pos + 2 + length;
    if (length < 2 || end > data.length) return null;
    if (marker === 0xe1 && end - start >= EXIF_HEADER.length && data.subarray(start, start + 6).equals(EXIF_HEADER)) {
      return data.subarray(start + EXIF_HEADER.length, end);
    }
    pos = end;
  }
  return null;
}

/** Walks the PNG chunks and returns the content of the eXIf chunk. */
function findPngTiff(data: Buffer): Buffer | null {
  if (data.length < 8 || !data.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
  let pos = 8;
  while (pos + 12 <= data.length) {
    const length = data.readUInt32BE(pos);
    const type = ascii(data, pos + 4, 4);
    const start = pos + 8;
    const end = start + length;
    if (end + 4 > data.length) return null;
    if (type === 'eXIf') return stripExifHeader(data.subarray(start, end));
    if (type === 'IEND') return null;
    pos = end + 4; // skip the CRC
  }
  return null;
}

/** Walks the RIFF chunks of a WebP file and returns the content of the EXIF chunk. */
function findWebpTiff(data: Buffer): Buffer | null {
  if (data.length < 12 || ascii(data, 0, 4) !== 'RIFF' || ascii(data, 8, 4) !== 'WEBP') return null;
  const riffEnd = Math.min(data.length, 8 + data.readUInt32LE(4));
  let pos = 12;
  while (pos + 8 <= riffEnd) {
    const type = ascii(data, pos, 4);
    const length = data.readUInt32LE(pos + 4);
    const start = pos + 8;
    const end = start + length;
    if (end > riffEnd) return null;
    if (type === 'EXIF') return stripExifHeader(data.subarray(start, end));
    pos = end + (length & 1); // chunks are padded to an even size
  }
  return null;
}

/** Drops a leading "Exif\0\0" that some writers put before the TIFF header. */
function stripExifHeader(data: Buffer): Buffer {
  return data.subarray(0, EXIF_HEADER.length).equals(EXIF_HEADER) ? data.subarray(EXIF_HEADER.length) : data;
}

/** A bounds-checked view of a TIFF structure in its own byte order. */
interface Tiff {
  data: Buffer;
  little: boolean;
}

/** One IFD entry: its field type, value count and where its value bytes start. */
interface Field {
  type: number;
  count: number;
  offset: number;
}

/** Reads an unsigned 16-bit value, or null when out of bounds. */
function u16(t: Tiff, offset: number): number | null {
  if (offset < 0 || offset + 2 > t.data.length) return null;
  return t.little ? t.data.readUInt16LE(offset) : t.data.readUInt16BE(offset);
}

/** Reads an unsigned 32-bit value, or null when out of bounds. */
function u32(t: Tiff, offset: number): number | null {
  if (offset < 0 || offset + 4 > t.data.length) return null;
  return t.little ? t.data.readUInt32LE(offset) : t.data.readUInt32BE(offset);
}

/** Reads the entries of the IFD at `offset` into a map by tag; empty when malformed. */
function readIfd(t: Tiff, offset: number): Map<number, Field> {
  const fields = new Map<number, Field>();
  const count = u16(t, offset);
  if (count === null || offset + 2 + count * 12 > t.data.length) return fields;
  for (let i = 0; i < count; i++) {
    const entry = offset + 2 + i * 12;
    const tag = u16(t, entry)!;
    const type = u16(t, entry + 2)!;
    const n = u32(t, entry + 4)!;
    const size = (TYPE_SIZES[type] ?? 0) * n;
    if (size === 0) continue;
    const valueOffset = size <= 4 ? entry + 8 : u32(t, entry + 8)!;
    if (valueOffset + size > t.data.length) continue;
    if (!fields.has(tag)) fields.set(tag, { type, count: n, offset: valueOffset });
  }
  return fields;
}

/** Reads a text field up to its first NUL, trimmed, or null. */
function readAscii(t: Tiff, field: Field | undefined): string | null {
  if (!field || (field.type !== 2 && field.type !== 7 && field.type !== 1)) return null;
  const raw = t.data.toString('latin1', field.offset, field.offset + field.count);
  const nul = raw.indexOf('\0');
  const text = (nul >= 0 ? raw.slice(0, nul) : raw).trim();
  return text || null;
}

/** Reads the first value of a LONG, SHORT or IFD field as an offset, or null. */
function readOffset(t: Tiff, field: Field | undefined): number | null {
  if (!field) return null;
  if (field.type === 4 || field.type === 13) return u32(t, field.offset);
  if (field.type === 3) return u16(t, field.offset);
  return null;
}

/** Reads up to three unsigned rationals (degrees, minutes, seconds) as decimal degrees, or null. */
function readDms(t: Tiff, field: Field | undefined): number | null {
  if (!field || field.type !== 5 || field.count < 1) return null;
  let degrees = 0;
  const parts = Math.min(field.count, 3);
  for (let i = 0; i < parts; i++) {
    const num = u32(t, field.offset + i * 8);
    const den = u32(t, field.offset + i * 8 + 4);
    if (num === null || den === null || den === 0) return null;
    degrees += num / den / 60 ** i;
  }
  return degrees;
}

/** Parses the TIFF header and pulls the capture time and GPS position out of its IFDs. */
function readTiffMeta(data: Buffer): PhotoMeta {
  const order = ascii(data, 0, 2);
  if (order !== 'II' && order !== 'MM') return noMeta();
  const t: Tiff = { data, little: order === 'II' };
  const ifd0Offset = u32(t, 4);
  if (u16(t, 2) !== 42 || ifd0Offset === null) return noMeta();
  const ifd0 = readIfd(t, ifd0Offset);

  const exifOffset = readOffset(t, ifd0.get(TAG_EXIF_IFD));
  const exif = exifOffset === null ? new Map<number, Field>() : readIfd(t, exifOffset);
  const takenAt =
    parseExifDate(readAscii(t, exif.get(TAG_DATE_TIME_ORIGINAL)), readAscii(t, exif.get(TAG_OFFSET_TIME_ORIGINAL))) ??
    parseExifDate(readAscii(t, ifd0.get(TAG_DATE_TIME)), readAscii(t, exif.get(TAG_OFFSET_TIME)));

  const gpsOffset = readOffset(t, ifd0.get(TAG_GPS_IFD));
  const position = gpsOffset === null ? null : readGps(t, readIfd(t, gpsOffset));
  return { takenAt, lat: position?.lat ?? null, lng: position?.lng ?? null };
}

/** Turns the GPS IFD into signed decimal degrees, or null when absent, invalid or the 0,0 "no fix" placeholder. */
function readGps(t: Tiff, gps: Map<number, Field>): { lat: number; lng: number } | null {
  const lat = readDms(t, gps.get(TAG_GPS_LATITUDE));
  const lng = readDms(t, gps.get(TAG_GPS_LONGITUDE));
  if (lat === null || lng === null || lat > 90 || lng > 180) return null;
  if (lat === 0 && lng === 0) return null;
  const latRef = readAscii(t, gps.get(TAG_GPS_LATITUDE_REF))?.toUpperCase();
  const lngRef = readAscii(t, gps.get(TAG_GPS_LONGITUDE_REF))?.toUpperCase();
  return { lat: latRef === 'S' ? -lat : lat, lng: lngRef === 'W' ? -lng : lng };
}

/** Parses an EXIF "YYYY:MM:DD HH:MM:SS" time with an optional "±HH:MM" offset (default China time), or null. */
export function parseExifDate(value: string | null, offset?: string | null): Date | null {
  const m = value ? /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value) : null;
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (year < 1900 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  if (new Date(utc).getUTCDate() !== day) return null; // e.g. 2024:02:30
  const minutes = parseOffsetMinutes(offset) ?? DEFAULT_OFFSET_MINUTES;
  return new Date(utc - minutes * 60_000);
}

/** Parses an EXIF "±HH:MM" offset into minutes east of UTC, or null. */
function parseOffsetMinutes(offset: string | null | undefined): number | null {
  const m = offset ? /^([+-])(\d{2}):(\d{2})$/.exec(offset.trim()) : null;
  if (!m) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  if (minutes > 14 * 60 || Number(m[3]) > 59) return null;
  return m[1] === '-' ? -minutes : minutes;
}
