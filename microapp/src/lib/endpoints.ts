import type {
  ClientConfigView,
  DingTalkLoginRequest,
  JsapiConfigView,
  LoginRequest,
  MemberCardView,
  MemberSummary,
  MemberView,
  Page,
  SessionView,
  SupervisorChainView,
  UnitDetailView,
  UnitTreeView,
} from '@lianxin/shared';
import { ApiPaths } from '@lianxin/shared';

/** Answer type of each GET path. Add a line here when a page needs a new endpoint. */
export interface GetEndpoints {
  [ApiPaths.clientConfig]: ClientConfigView;
  [ApiPaths.me]: MemberView;
  [ApiPaths.auth.jsapiConfig]: JsapiConfigView;
  [ApiPaths.org.unitsTree]: UnitTreeView;
  [ApiPaths.org.members]: Page<MemberSummary>;
}

declare const answerType: unique symbol;

/** A GET path with an id in it, carrying the type of its answer (built by `ById` below). */
export type IdPath<T> = string & { readonly [answerType]: T };

function idPath<T>(build: (id: string) => string): (id: string) => IdPath<T> {
  return (id) => build(encodeURIComponent(id)) as IdPath<T>;
}

/** GET paths with an id, by the ApiPaths builder they wrap, with their answer types. */
export const ById = {
  unit: idPath<UnitDetailView>(ApiPaths.org.unit),
  unitMembers: idPath<Page<MemberSummary>>(ApiPaths.org.unitMembers),
  member: idPath<MemberCardView>(ApiPaths.org.member),
  memberChain: idPath<SupervisorChainView>(ApiPaths.org.memberChain),
} as const;

/** Body and answer types of each POST path. */
export interface PostEndpoints {
  [ApiPaths.auth.login]: { body: LoginRequest; result: SessionView };
  [ApiPaths.auth.dingtalk]: { body: DingTalkLoginRequest; result: SessionView };
}

/** Paths anyone may call; no token is sent and a 401 there is an answer, not an expired session. */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set([
  ApiPaths.clientConfig,
  ApiPaths.auth.login,
  ApiPaths.auth.dingtalk,
  ApiPaths.auth.jsapiConfig,
]);
