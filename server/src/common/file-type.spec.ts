import { contentMatches } from './file-type';

describe('contentMatches', () => {
  it('accepts files whose first bytes match their type', () => {
    expect(contentMatches('application/pdf', Buffer.from('%PDF-1.7\n...'))).toBe(true);
    expect(contentMatches('image/png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe(true);
    expect(contentMatches('image/jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe(true);
    expect(contentMatches('image/webp', Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'))).toBe(true);
    expect(contentMatches('application/vnd.openxmlformats-officedocument.wordprocessingml.document', Buffer.from('PK\x03\x04rest', 'latin1'))).toBe(true);
    expect(contentMatches('application/vnd.ms-excel', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))).toBe(true);
    expect(contentMatches('text/plain; charset=utf-8', Buffer.from('会议纪要'))).toBe(true);
  });

  it('refuses mismatches, empty files and unknown types', () => {
    expect(contentMatches('application/pdf', Buffer.from('MZ\x90\x00', 'latin1'))).toBe(false);
    expect(contentMatches('image/png', Buffer.from([0xff, 0xd8, 0xff]))).toBe(false);
    expect(contentMatches('text/plain', Buffer.from([0x41, 0x00, 0x42]))).toBe(false);
    expect(contentMatches('application/pdf', Buffer.alloc(0))).toBe(false);
    expect(contentMatches('application/x-msdownload', Buffer.from('MZ'))).toBe(false);
  });
});
