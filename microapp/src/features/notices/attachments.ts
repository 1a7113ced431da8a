import type { AttachmentView } from '@lianxin/shared';

/** What the server takes: at most 10 files a notice, each at most 10 MB. */
export const MAX_ATTACHMENTS = 10;
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** A file picked in compose: uploading until `uploaded` is set (a failed upload leaves the list). */
export interface DraftAttachment {
  key: number;
  filename: string;
  size: number;
  uploaded: AttachmentView | null;
}

/**
 * The types the server takes, by extension. The extension decides: phones often report no type, and
 * Windows calls a .csv `application/vnd.ms-excel`, which the server would then check as a spreadsheet.
 */
const TYPE_BY_EXTENSION: Record<string, string> = {
  pdf: 'application/pdf',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  zip: 'application/zip',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  txt: 'text/plain',
  csv: 'text/csv',
};

/** For the file input: the extensions and the types. */
export const ATTACHMENT_ACCEPT = [...Object.keys(TYPE_BY_EXTENSION).map((ext) => `.${ext}`), ...new Set(Object.values(TYPE_BY_EXTENSION))].join(',');

function extension(filename: string): string {
  const dot = filename.lastIndexOf('.');
  return dot >= 0 ? filename.slice(dot + 1).toLowerCase() : '';
}

/** The Content-Type to upload `file` with, or null when the server would not take it. */
export function attachmentType(file: File): string | null {
  const byName = TYPE_BY_EXTENSION[extension(file.name)];
  if (byName) return byName;
  return Object.values(TYPE_BY_EXTENSION).includes(file.type) ? file.type : null;
}

/** Why `file` cannot be attached, or null when it can. */
export function refusal(file: File): string | null {
  if (!attachmentType(file)) return `不支持“${file.name}”的类型：请上传 Word、Excel、PPT、PDF、图片、文本或 zip 文件`;
  if (file.size === 0) return `“${file.name}”是空文件`;
  if (file.size > MAX_ATTACHMENT_BYTES) return `“${file.name}”超过 10 MB 上限，请压缩或拆分后再上传`;
  return null;
}

/** 856 B · 12.3 KB · 1.2 MB. */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export type FileKind = 'pdf' | 'word' | 'excel' | 'ppt' | 'image' | 'text' | 'zip';

/** What sort of file it is, for its icon. */
export function fileKind(filename: string, contentType: string): FileKind {
  const ext = extension(filename);
  if (contentType === 'application/pdf' || ext === 'pdf') return 'pdf';
  if (contentType.startsWith('image/')) return 'image';
  if (/^docx?$/.test(ext) || contentType.includes('word')) return 'word';
  if (/^(xlsx?|csv)$/.test(ext) || contentType.includes('excel') || contentType.includes('sheet')) return 'excel';
  if (/^pptx?$/.test(ext) || contentType.includes('powerpoint') || contentType.includes('presentation')) return 'ppt';
  if (contentType === 'application/zip' || ext === 'zip') return 'zip';
  return 'text';
}

/**
 * Hands a downloaded file to the phone: a link to it with `download`, clicked. The platform layer
 * has no file preview of its own (DingTalk's takes only files kept in DingTalk's own drive), so
 * inside DingTalk this is the same.
 */
export function saveFile(file: Blob, filename: string): void {
  const url = URL.createObjectURL(file);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // The browser reads the file after the click returns; let it finish before the URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
