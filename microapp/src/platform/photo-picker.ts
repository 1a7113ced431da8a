import { registerCamera } from './camera';
import { PlatformError } from './platform-error';

/** What the server takes as a check-in photo's body, and how large (POST /attendance/photos: 8 MB). */
const SENDABLE = new Set(['image/jpeg', 'image/png', 'image/webp']);
const MAX_BYTES = 8 * 1024 * 1024;
/** A photo re-encoded (an unsupported type or too large) is scaled to at most this many pixels a side. */
const MAX_SIDE = 2560;

/**
 * Opens the camera (the back one where the phone lets the page choose); resolves with the photo, or
 * null when the person backs out. Older web views never report backing out: the promise then stays
 * pending, so callers show no spinner while the camera is open.
 */
export function pickPhoto(): Promise<File | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = 'image/*';
    input.setAttribute('capture', 'environment');
    input.addEventListener('change', () => resolve(input.files?.[0] ?? null), { once: true });
    input.addEventListener('cancel', () => resolve(null), { once: true });
    input.click();
  });
}

function decode(file: Blob): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(file);
    const image = new Image();
    image.onload = () => {
      URL.revokeObjectURL(url);
      resolve(image);
    };
    image.onerror = () => {
      URL.revokeObjectURL(url);
      reject(new PlatformError('无法读取这张照片，请重新拍摄', 'photo-unreadable'));
    };
    image.src = url;
  });
}

/**
 * The photo as the server takes it. A JPEG, PNG or WebP within 8 MB goes as taken, so the time
 * and place the camera wrote into it stay; anything else (HEIC, a huge PNG) is redrawn as a JPEG.
 */
export async function photoBody(file: File): Promise<Blob> {
  if (SENDABLE.has(file.type) && file.size <= MAX_BYTES) return file;
  const image = await decode(file);
  const scale = Math.min(1, MAX_SIDE / Math.max(image.naturalWidth, image.naturalHeight, 1));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(image.naturalWidth * scale));
  canvas.height = Math.max(1, Math.round(image.naturalHeight * scale));
  canvas.getContext('2d')?.drawImage(image, 0, 0, canvas.width, canvas.height);
  const jpeg = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
  if (!jpeg) throw new PlatformError('无法读取这张照片，请重新拍摄', 'photo-unreadable');
  return jpeg;
}

/** Takes a photo with the camera, ready to upload as it is; null when the person backs out. */
export async function takePhoto(): Promise<Blob | null> {
  const file = await pickPhoto();
  return file ? photoBody(file) : null;
}

registerCamera({ takePhoto });
