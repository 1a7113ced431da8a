// The platform entry first (it registers the bridge), then one module per API. The SDK is
// CommonJS: `module.exports` of the entry is the SDK object, so it is the default import; the API
// modules are imported by their named exports, because in this ESM package a default import of a
// CommonJS module is its whole `module.exports` (Node semantics), not its `default` field.
import dd from 'dingtalk-jsapi/entry/union';
import { get$ as getGeolocation, type IDeviceGeolocationGetParams } from 'dingtalk-jsapi/api/device/geolocation/get';
import { getInterface$ as getWifiInterface } from 'dingtalk-jsapi/api/device/base/getInterface';
import { setTitle$ as setNavigationTitle } from 'dingtalk-jsapi/api/biz/navigation/setTitle';
import { showToast$ as showToast } from 'dingtalk-jsapi/api/union/showToast';
import { requestAuthCode$ as requestAuthCodeV2 } from 'dingtalk-jsapi/api/union/requestAuthCode';
import { requestAuthCode$ as requestAuthCodeLegacy } from 'dingtalk-jsapi/api/runtime/permission/requestAuthCode';
import { complexPicker$ as complexPicker } from 'dingtalk-jsapi/api/biz/contact/complexPicker';
import { departmentsPicker$ as departmentsPicker } from 'dingtalk-jsapi/api/biz/contact/departmentsPicker';
import { showCallMenu$ as showCallMenu } from 'dingtalk-jsapi/api/biz/telephone/showCallMenu';
import { ApiPaths, type JsapiConfigView } from '@lianxin/shared';
import { http } from '@/lib/http';
import type { DingTalkApp, GeoFix, HostContactChoice, HostContactPickOptions, Platform, ToastKind } from './platform';
import { loadCamera } from './camera';
import { PlatformError } from './platform-error';

/** JSAPIs that need dd.config; names as the SDK maps them. */
const JS_API_LIST = [
  'device.geolocation.get',
  'getLocation',
  'device.base.getInterface',
  'getWifiHotspotStatus',
  'biz.contact.complexPicker',
  'biz.contact.departmentsPicker',
  'biz.telephone.showCallMenu',
];

/** How close a fix DingTalk should try for, in metres (an office fence is a few hundred). */
const TARGET_ACCURACY_M = 50;

/** Android's answer for the hotspot when the app may not see it. */
const HIDDEN_BSSID = '02:00:00:00:00:00';

/** What getLocation answers: numbers, or strings in the newer clients; Android 2.1 nested them in `location`. */
interface RawFix {
  latitude?: number | string;
  longitude?: number | string;
  accuracy?: number | string;
  isFromMock?: boolean | string;
  location?: RawFix;
}

/** A fix in our shape, or a PlatformError when the client answered something without a position. */
function readFix(answer: RawFix): GeoFix {
  const raw = answer.location ?? answer;
  const fix: GeoFix = {
    latitude: Number(raw.latitude),
    longitude: Number(raw.longitude),
    accuracy: Number(raw.accuracy),
    coordSystem: 'gcj02',
  };
  if (![fix.latitude, fix.longitude, fix.accuracy].every(Number.isFinite) || (fix.latitude === 0 && fix.longitude === 0)) {
    throw new PlatformError('定位结果无效，请到开阔处重试', 'dingtalk-bad-fix');
  }
  // Android alone reports it (as a boolean or a string); absent proves nothing.
  if (raw.isFromMock !== undefined && raw.isFromMock !== '') fix.isFromMock = raw.isFromMock === true || raw.isFromMock === 'true';
  return fix;
}

/** A hotspot MAC as the server stores them: lowercase, colon-separated; null for none or the hidden placeholder. */
function normaliseBssid(macIp: unknown): string | null {
  if (typeof macIp !== 'string') return null;
  const mac = macIp.trim().toLowerCase().replace(/-/g, ':');
  if (!mac || mac === HIDDEN_BSSID || !/^[0-9a-f]{1,2}(:[0-9a-f]{1,2})+$/.test(mac)) return null;
  return mac
    .split(':')
    .map((part) => part.padStart(2, '0'))
    .join(':');
}

/** Most people complexPicker may return at once (DingTalk allows up to 10,000). */
const MAX_PICKED_USERS = 1000;

/** Codes the SDK and the client put in `errorCode`. */
const CANCELLED = new Set(['-1', '11']);

interface JsapiFailure {
  errorCode?: number | string;
  errorMessage?: string;
}

function describe(error: unknown, action: string): PlatformError {
  if (error instanceof PlatformError) return error;
  const failure = (typeof error === 'object' && error !== null ? error : {}) as JsapiFailure;
  const code = String(failure.errorCode ?? 'unknown');
  const message = failure.errorMessage ?? (error instanceof Error ? error.message : '');
  const detail = message ? `：${message}` : '';
  return new PlatformError(`${action}失败${detail}（${code}）`, `dingtalk-${code}`);
}

/** Rejects when the client does not answer: outside a real DingTalk client the bridge never replies. */
function withTimeout<T>(promise: Promise<T>, action: string, ms = 15_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new PlatformError(`${action}超时，请在钉钉中重新打开`, 'dingtalk-timeout')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function isCancel(error: unknown): boolean {
  const failure = (typeof error === 'object' && error !== null ? error : {}) as JsapiFailure;
  return CANCELLED.has(String(failure.errorCode));
}

/**
 * JSAPI authentication: dd.config with what the server signed for the page's URL (without #).
 * DingTalk checks the URL the client opened, and dd.config counts once per page (route changes
 * included), so the URL is taken at start and a second dd.config is never attempted. Resolves to
 * the config, whose corpId and agentId the contact picker needs.
 */
function createAuthentication(pageUrl: string): () => Promise<JsapiConfigView> {
  let configured: Promise<JsapiConfigView> | null = null;
  let fetching: Promise<JsapiConfigView> | null = null;
  return () => {
    if (configured) return configured;
    // Only fetching the signature can be retried (weak signal); a refused signature stays refused.
    fetching ??= http.get(ApiPaths.auth.jsapiConfig, { query: { url: pageUrl } }).then(
      (config) => {
        configured = new Promise<JsapiConfigView>((resolve, reject) => {
          dd.ready(() => resolve(config));
          dd.error((error: unknown) => reject(describe(error, '钉钉接口鉴权')));
          dd.config({ ...config, type: 0, jsApiList: JS_API_LIST });
        });
        return configured;
      },
      (error: unknown) => {
        fetching = null;
        throw error;
      },
    );
    return fetching;
  };
}

interface PickedDepartment {
  id?: string | number;
  name?: string;
}

interface PickedUser {
  emplId?: string;
  name?: string;
}

/** complexPicker and departmentsPicker answers, in our shape; ids are DingTalk's. */
function toChoice(answer: { users?: PickedUser[]; departments?: PickedDepartment[] }): HostContactChoice {
  return {
    users: (answer.users ?? [])
      .filter((user) => user.emplId)
      .map((user) => ({ dingtalkUserId: String(user.emplId), name: user.name ?? '' })),
    departments: (answer.departments ?? [])
      .filter((dept) => dept.id !== undefined && dept.id !== null && dept.id !== '')
      .map((dept) => ({ dingtalkDeptId: String(dept.id), name: dept.name ?? '' })),
  };
}

export function createDingTalkPlatform(): Platform {
  const whenReady = createAuthentication(location.href.split('#')[0] ?? location.href);

  return {
    name: 'dingtalk',
    signInMode: 'auth-code',
    nativeNavBar: true,
    init() {
      whenReady().catch((error: unknown) => {
        // Reported when a JSAPI that needs it is used; sign-in does not depend on it.
        console.warn('钉钉 JSAPI 鉴权未完成', error);
      });
    },
    async requestAuthCode(app: DingTalkApp) {
      try {
        const request = app.clientId
          ? requestAuthCodeV2({ corpId: app.corpId, clientId: app.clientId })
          : requestAuthCodeLegacy({ corpId: app.corpId });
        const { code } = await withTimeout(request, '获取钉钉免登授权码');
        return code;
      } catch (error) {
        throw describe(error, '获取钉钉免登授权码');
      }
    },
    async getLocation(): Promise<GeoFix> {
      await whenReady();
      // A fresh fix (no 2-minute cache) in GCJ-02; `type` is the newer clients' flag for a one-off fix.
      const params: IDeviceGeolocationGetParams & { type: number } = {
        useCache: false,
        coordinate: 1,
        targetAccuracy: TARGET_ACCURACY_M,
        withReGeocode: false,
        type: 1,
      };
      try {
        return readFix((await withTimeout(getGeolocation(params), '定位', 30_000)) as RawFix);
      } catch (error) {
        throw describe(error, '定位');
      }
    },
    async getWifiBssid(): Promise<string | null> {
      try {
        await withTimeout(whenReady(), '钉钉接口鉴权', 5_000);
        const answer = await withTimeout(getWifiInterface({}), '读取 Wi-Fi', 5_000);
        return normaliseBssid(answer.macIp);
      } catch (error) {
        // Not on Wi-Fi, no permission, or an old client: the check-in goes without it.
        console.warn('无法读取 Wi-Fi 热点', error);
        return null;
      }
    },
    async takePhoto() {
      // chooseImage gives a path only DingTalk's uploadFile can read, and that sends a form; the server
      // takes the image itself (and a photo kept offline must be bytes): the page's own camera input.
      return (await loadCamera()).takePhoto();
    },
    hostCallMenu: true,
    async callPhone(phone: string) {
      // The menu may need dd.config; when that failed, calling it anyway still gets the fallback below.
      await withTimeout(whenReady(), '钉钉接口鉴权').catch((error: unknown) => console.warn('钉钉 JSAPI 鉴权未完成', error));
      try {
        // No time limit: the menu stays open until the person chooses.
        await showCallMenu({ phoneNumber: phone, code: '+86', showDingCall: true });
      } catch (error) {
        if (isCancel(error)) return;
        // An older client or a refused JSAPI: the system dialler still works from a web view.
        console.warn('钉钉拨号菜单不可用，改用系统拨号', error);
        window.location.href = `tel:${phone}`;
      }
    },
    hostContactPicker: true,
    async chooseContacts(options: HostContactPickOptions): Promise<HostContactChoice | null> {
      const { corpId, agentId } = await withTimeout(whenReady(), '钉钉接口鉴权');
      const appId = Number(agentId);
      const common = {
        title: options.title,
        corpId,
        multiple: options.multiple,
        ...(Number.isFinite(appId) ? { appId } : {}),
        pickedDepartments: [],
        disabledDepartments: [],
        requiredDepartments: [],
      };
      try {
        // No time limit: the person may browse DingTalk's directory for as long as they like.
        const answer =
          options.mode === 'units'
            ? await departmentsPicker({ ...common, limitTips: '已达到可选单位上限', maxDepartments: 500 })
            : await complexPicker({
                ...common,
                limitTips: `最多选择 ${MAX_PICKED_USERS} 人`,
                maxUsers: MAX_PICKED_USERS,
                pickedUsers: [],
                disabledUsers: [],
                requiredUsers: [],
                permissionType: 'GLOBAL',
                responseUserOnly: options.mode === 'members',
                startWithDepartmentId: 0,
              });
        return toChoice(answer as { users?: PickedUser[]; departments?: PickedDepartment[] });
      } catch (error) {
        if (isCancel(error)) return null;
        throw describe(error, '钉钉选人');
      }
    },
    toast(message: string, kind: ToastKind = 'info') {
      const type = kind === 'success' ? 'success' : kind === 'fail' ? 'error' : 'none';
      showToast({ type, content: message, duration: kind === 'fail' ? 3000 : 2000 }).catch((error: unknown) => {
        console.warn('钉钉提示失败', error, message);
      });
    },
    setTitle(title: string) {
      document.title = title;
      setNavigationTitle({ title }).catch((error: unknown) => {
        console.warn('设置钉钉标题失败', error);
      });
    },
  };
}
