import type { LoginRequest, MemberView, SessionView } from '@lianxin/shared';
import { ApiPaths } from '@lianxin/shared';
import { computed, shallowRef } from 'vue';
import { http } from '@/lib/http';
import { tokenStore } from '@/lib/token-store';

const member = shallowRef<MemberView | null>(null);
const token = shallowRef<string | null>(tokenStore.get());

function start(view: SessionView): MemberView {
  tokenStore.set(view.accessToken);
  token.value = view.accessToken;
  member.value = view.member;
  return view.member;
}

/** The signed-in member and the ways to sign in and out. */
export const session = {
  member: computed(() => member.value),
  signedIn: computed(() => token.value !== null),

  async signInWithPassword(request: LoginRequest): Promise<MemberView> {
    return start(await http.post(ApiPaths.auth.login, request));
  },

  async signInWithDingTalk(authCode: string): Promise<MemberView> {
    return start(await http.post(ApiPaths.auth.dingtalk, { authCode }));
  },

  /** Loads the member behind a stored token (after a reload). */
  async ensureMember(): Promise<MemberView> {
    if (member.value) return member.value;
    const me = await http.get(ApiPaths.me);
    member.value = me;
    return me;
  },

  /** Forgets the session locally (also what a 401 from the server leads to). */
  signOut(): void {
    tokenStore.clear();
    token.value = null;
    member.value = null;
  },
};
