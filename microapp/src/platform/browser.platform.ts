import { showToast } from 'vant';
import type { GeoFix, Platform, ToastKind } from './platform';
import { loadCamera } from './camera';
import { PlatformError } from './platform-error';

const GEO_MESSAGES: Record<number, string> = {
  1: '无法获取位置：请在浏览器设置中允许定位权限',
  2: '无法获取位置：请检查 GPS 或网络后重试',
  3: '获取位置超时，请到开阔处重试',
};

function getLocation(): Promise<GeoFix> {
  return new Promise((resolve, reject) => {
    if (!('geolocation' in navigator)) {
      reject(new PlatformError('当前浏览器不支持定位', 'unsupported'));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (position) =>
        resolve({
          latitude: position.coords.latitude,
          longitude: position.coords.longitude,
          accuracy: position.coords.accuracy,
          coordSystem: 'wgs84',
        }),
      (error) => reject(new PlatformError(GEO_MESSAGES[error.code] ?? '无法获取位置，请重试', `geo-${error.code}`)),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 0 },
    );
  });
}

export function createBrowserPlatform(): Platform {
  return {
    name: 'browser',
    signInMode: 'password',
    nativeNavBar: false,
    init() {
      // Nothing to start: plain web APIs need no handshake.
    },
    requestAuthCode() {
      return Promise.reject(new PlatformError('请在钉钉中打开以使用免登', 'not-in-dingtalk'));
    },
    getLocation,
    getWifiBssid() {
      return Promise.resolve(null); // a web page cannot see the hotspot
    },
    async takePhoto() {
      // The camera's code arrives with the pages that take photos (see camera.ts).
      return (await loadCamera()).takePhoto();
    },
    hostCallMenu: false,
    callPhone(phone: string) {
      window.location.href = `tel:${phone}`;
      return Promise.resolve();
    },
    hostContactPicker: false,
    chooseContacts() {
      return Promise.reject(new PlatformError('请在钉钉中打开以使用钉钉通讯录', 'not-in-dingtalk'));
    },
    toast(message: string, kind: ToastKind = 'info') {
      if (kind === 'success') showToast({ type: 'success', message });
      else showToast({ type: 'text', message, wordBreak: 'break-word', duration: kind === 'fail' ? 3000 : 2000 });
    },
    setTitle(title: string) {
      document.title = title ? `${title} · 连心` : '连心';
    },
  };
}
