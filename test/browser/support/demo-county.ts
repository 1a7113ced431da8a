import { wgs84ToGcj02 } from '@lianxin/shared';

/** The demo county's sign-ins (README): all share one password. */
export const DEMO_PASSWORD = 'lianxin2026';
export const DEMO = {
  supervisor: { phone: '10000000003', password: DEMO_PASSWORD, name: '陈志刚' },
  staff: { phone: '10000000006', password: DEMO_PASSWORD, name: '李春梅' },
} as const;

/** Calls the API as one member; any answer but 2xx fails the test with the problem's text. */
export class MemberApi {
  private constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  static async signIn(baseUrl: string, who: { phone: string; password: string }): Promise<MemberApi> {
    const answer = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ phone: who.phone, password: who.password }),
    });
    if (answer.status !== 200) throw new Error(`sign-in of ${who.phone} answered ${answer.status}: ${await answer.text()}`);
    return new MemberApi(baseUrl, ((await answer.json()) as { accessToken: string }).accessToken);
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const answer = await fetch(`${this.baseUrl}/api${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await answer.text();
    if (answer.status < 200 || answer.status >= 300) throw new Error(`${method} ${path} answered ${answer.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

/**
 * The WGS-84 point (what a browser's geolocation reports) whose GCJ-02 conversion is `lat, lng`:
 * places are stored in GCJ-02, Chromium's geolocation override is WGS-84. Iterated to well under a metre.
 */
export function gcj02ToWgs84(lat: number, lng: number): { latitude: number; longitude: number } {
  let w = { lat, lng };
  for (let i = 0; i < 20; i++) {
    const g = wgs84ToGcj02(w.lat, w.lng);
    w = { lat: w.lat - (g.lat - lat), lng: w.lng - (g.lng - lng) };
  }
  return { latitude: w.lat, longitude: w.lng };
}

/** A point `metres` due north of `lat, lng` (same datum). */
export function north(lat: number, lng: number, metres: number): { lat: number; lng: number } {
  return { lat: lat + metres / 111_195, lng };
}
