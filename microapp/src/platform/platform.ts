/** Where a coordinate comes from: DingTalk answers GCJ-02 (AMap), browsers WGS-84. */
export type CoordSystem = 'gcj02' | 'wgs84';

export interface GeoFix {
  latitude: number;
  longitude: number;
  /** Radius in metres. */
  accuracy: number;
  coordSystem: CoordSystem;
  /** Android DingTalk reports a mocked location; browsers cannot tell. */
  isFromMock?: boolean;
}

export type ToastKind = 'info' | 'success' | 'fail';

/** DingTalk identifies the organisation and the micro-app; both come from the server's client config. */
export interface DingTalkApp {
  corpId: string;
  clientId: string | null;
}

/** What the host's own contact picker should offer: departments, people, or both. */
export type HostPickMode = 'units' | 'members' | 'both';

export interface HostContactPickOptions {
  title: string;
  mode: HostPickMode;
  multiple: boolean;
}

/**
 * What the host's contact picker returned, in the host's own ids (DingTalk userid and dept id);
 * the org feature matches them to our members and units.
 */
export interface HostContactChoice {
  users: Array<{ dingtalkUserId: string; name: string }>;
  departments: Array<{ dingtalkDeptId: string; name: string }>;
}

/**
 * Everything that differs between running inside DingTalk and in a plain browser.
 * The rest of the app only talks to this; nothing else knows DingTalk exists.
 */
export interface Platform {
  readonly name: 'dingtalk' | 'browser';
  /** 'auth-code': signs in without a form (DingTalk 免登); 'password': phone + password form. */
  readonly signInMode: 'auth-code' | 'password';
  /** The host draws its own navigation bar (with back button and title). */
  readonly nativeNavBar: boolean;
  /** Starts what the platform needs once per page load (DingTalk: JSAPI authentication); never throws. */
  init(): void;
  /** A one-time sign-in code for the server to exchange. */
  requestAuthCode(app: DingTalkApp): Promise<string>;
  /** A fresh position fix (no cache). */
  getLocation(): Promise<GeoFix>;
  /**
   * The BSSID (MAC address, lowercase with colons) of the Wi-Fi hotspot the phone is on; null when
   * not on Wi-Fi or the host cannot tell (a browser never can). Never rejects: it is extra evidence.
   */
  getWifiBssid(): Promise<string | null>;
  /**
   * Lets the person take one photo with the camera: the image as the server takes it (JPEG, PNG or
   * WebP within 8 MB, sent as the raw body), or null when they back out. The caller uploads it, or
   * keeps it while there is no signal.
   */
  takePhoto(): Promise<Blob | null>;
  /**
   * True when the host has a call menu of its own (DingTalk: phone, DING call…); then a 拨打 link
   * calls `callPhone` instead of following its `tel:` address.
   */
  readonly hostCallMenu: boolean;
  /** Offers to call the number (a browser simply opens `tel:`). */
  callPhone(phone: string): Promise<void>;
  /** The host has an organisation contact picker of its own (DingTalk's complexPicker). */
  readonly hostContactPicker: boolean;
  /** Opens the host's contact picker; null when the person backs out. */
  chooseContacts(options: HostContactPickOptions): Promise<HostContactChoice | null>;
  toast(message: string, kind?: ToastKind): void;
  setTitle(title: string): void;
}
