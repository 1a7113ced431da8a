/**
 * Checks that a file's bytes are what its declared type says, from their first bytes: a renamed
 * executable does not become a PDF by being labelled one. Office formats are checked as their
 * container (OOXML is a zip, the old formats an OLE compound file).
 */
const SIGNATURES: Array<[types: string[], test: (b: Buffer) => boolean]> = [
  [['application/pdf'], (b) => b.subarray(0, 5).toString('latin1') === '%PDF-'],
  [['image/png'], (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))],
  [['image/jpeg'], (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  [['image/webp'], (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP'],
  [
    [
      'application/zip',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ],
    (b) => b.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])),
  ],
  [
    ['application/msword', 'application/vnd.ms-excel', 'application/vnd.ms-powerpoint'],
    (b) => b.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])),
  ],
  [['text/plain', 'text/csv'], (b) => !b.subarray(0, 8192).includes(0)],
];

/** True when `data` looks like `contentType`; false for a mismatch or a type not listed here. */
export function contentMatches(contentType: string, data: Buffer): boolean {
  const type = contentType.split(';')[0].trim().toLowerCase();
  const sig = SIGNATURES.find(([types]) => types.includes(type));
  return !!sig && data.length > 0 && sig[1](data);
}

/** The types `contentMatches` knows. */
export const CHECKED_TYPES = SIGNATURES.flatMap(([types]) => types);
