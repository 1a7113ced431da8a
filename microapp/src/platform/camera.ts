/**
 * Where the platforms find the camera code (photo-picker.ts). It is loaded with the pages that take
 * photos, which import it and so register it here: taking a photo then needs no download, since a
 * photo is often taken without a signal (a lazy import would try to fetch, and fail, offline).
 */
export interface Camera {
  takePhoto(): Promise<Blob | null>;
}

let registered: Camera | null = null;

export function registerCamera(camera: Camera): void {
  registered = camera;
}

export function loadCamera(): Promise<Camera> {
  return registered ? Promise.resolve(registered) : import('./photo-picker');
}
