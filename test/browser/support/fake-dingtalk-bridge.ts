/** One call the page made into the (fake) DingTalk client. */
export interface BridgeCall {
  name: string;
  params: Record<string, unknown>;
}

export interface FakeBridgeOptions {
  /** What requestAuthCode answers. */
  authCode: string;
  /** What other JSAPIs answer, by name (`biz.contact.complexPicker` …); the rest answer `{}`. */
  results?: Record<string, unknown>;
}

/**
 * Runs in the page before any script: stands in for the iOS DingTalk client's JavaScript bridge
 * (`window.WebViewJavascriptBridge`), which dingtalk-jsapi calls for every JSAPI. Records each call
 * in `window.__bridgeCalls` and answers with success: `options.results[name]`, or `{}`.
 */
export function installFakeBridge(options: FakeBridgeOptions): void {
  type Reply = (answer: { errorCode: string; errorMessage?: string; result?: unknown }) => void;
  const calls: Array<{ name: string; params: Record<string, unknown> }> = [];
  const results: Record<string, unknown> = {
    ...options.results,
    'runtime.permission.requestAuthCodeV2': { code: options.authCode },
    'runtime.permission.requestAuthCode': { code: options.authCode },
  };
  Object.assign(window, {
    __bridgeCalls: calls,
    WebViewJavascriptBridge: {
      init: () => undefined,
      registerHandler: () => undefined,
      callHandler: (name: string, params: Record<string, unknown>, reply: Reply) => {
        const plain = JSON.parse(JSON.stringify(params ?? {})) as Record<string, unknown>;
        calls.push({ name, params: plain });
        setTimeout(() => reply({ errorCode: '0', result: results[name] ?? {} }), 10);
      },
    },
  });
}
