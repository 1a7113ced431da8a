/** API paths, relative to the `/api` prefix. Both the server and the micro-app use these. */
export const API_PREFIX = '/api';

export const ApiPaths = {
  auth: {
    login: '/auth/login',
    dingtalk: '/auth/dingtalk',
    jsapiConfig: '/auth/dingtalk/jsapi-config',
  },
  me: '/me',
  org: {
    unitsTree: '/org/units/tree',
    units: '/org/units',
    unit: (id: string) => `/org/units/${id}`,
    unitMembers: (id: string) => `/org/units/${id}/members`,
    members: '/org/members',
    member: (id: string) => `/org/members/${id}`,
    memberChain: (id: string) => `/org/members/${id}/chain`,
    import: '/org/import',
    syncDingTalk: '/org/sync/dingtalk',
  },
  notices: {
    list: '/notices',
    unreadCount: '/notices/unread-count',
    attachments: '/notices/attachments',
    attachment: (noticeId: string, id: string) => `/notices/${noticeId}/attachments/${id}`,
    notice: (id: string) => `/notices/${id}`,
    read: (id: string) => `/notices/${id}/read`,
    confirm: (id: string) => `/notices/${id}/confirm`,
    stats: (id: string) => `/notices/${id}/stats`,
    receipts: (id: string) => `/notices/${id}/receipts`,
    ding: (id: string) => `/notices/${id}/ding`,
    dings: (id: string) => `/notices/${id}/dings`,
    stopEscalation: (id: string) => `/notices/${id}/escalation/stop`,
  },
  ding: (id: string) => `/dings/${id}`,
  myDings: '/dings/mine',
  dingChannels: '/dings/channels',
  dingAck: (id: string) => `/dings/${id}/ack`,
  dingDeliveries: (id: string) => `/dings/${id}/deliveries`,
  dingtalkCallback: '/dingtalk/callback',
  clientConfig: '/client-config',
  events: '/events',
} as const;
