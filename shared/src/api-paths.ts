/** API paths, relative to the `/api` prefix. Both the server and the micro-app use these. */
export const API_PREFIX = '/api';

export const ApiPaths = {
  auth: {
    login: '/auth/login',
    dingtalk: '/auth/dingtalk',
    jsapiConfig: '/auth/dingtalk/jsapi-config',
  },
  me: '/me',
  clientConfig: '/client-config',
  events: '/events',
} as const;
