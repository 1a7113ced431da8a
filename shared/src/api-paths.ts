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
  attendance: {
    places: '/attendance/places',
    place: (id: string) => `/attendance/places/${id}`,
    shifts: '/attendance/shifts',
    shift: (id: string) => `/attendance/shifts/${id}`,
    calendar: (year: number | string) => `/attendance/calendar/${year}`,
    mine: '/attendance/me',
    myMonth: '/attendance/me/month',
    photos: '/attendance/photos',
    photo: (id: string) => `/attendance/photos/${id}`,
    checkIns: '/attendance/check-ins',
    daily: '/attendance/daily',
    reports: '/attendance/reports',
    requests: '/attendance/requests',
    requestDecision: (id: string) => `/attendance/requests/${id}/decision`,
    spotChecks: '/attendance/spot-checks',
    mySpotChecks: '/attendance/spot-checks/mine',
    spotCheck: (id: string) => `/attendance/spot-checks/${id}`,
    spotCheckDraw: (id: string) => `/attendance/spot-checks/${id}/draw`,
    spotCheckReport: (id: string) => `/attendance/spot-checks/${id}/report`,
    meetingSignIns: (noticeId: string) => `/notices/${noticeId}/sign-ins`,
  },
  approvals: {
    /** POST a TemplateInput (new template or new version), GET the list. */
    templates: '/approvals/templates',
    template: (id: string) => `/approvals/templates/${id}`,
    publishTemplate: (id: string) => `/approvals/templates/${id}/publish`,
    /** Files for attachment fields and comments, uploaded before the form is sent. */
    attachments: '/approvals/attachments',
    attachment: (id: string) => `/approvals/attachments/${id}`,
    /** POST a StartInstanceRequest; GET ?role=mine|todo|done|cc&status=. */
    instances: '/approvals/instances',
    instance: (id: string) => `/approvals/instances/${id}`,
    actions: (id: string) => `/approvals/instances/${id}/actions`,
    /** ?state=pending|done */
    tasks: '/approvals/tasks',
    /** The needs library: approved 扶贫需求申报 instances. */
    projects: '/projects',
    project: (id: string) => `/projects/${id}`,
    pledges: (id: string) => `/projects/${id}/pledges`,
  },
  ding: (id: string) => `/dings/${id}`,
  myDings: '/dings/mine',
  dingChannels: '/dings/channels',
  dingAck: (id: string) => `/dings/${id}/ack`,
  dingDeliveries: (id: string) => `/dings/${id}/deliveries`,
  dingtalkCallback: '/dingtalk/callback',
  clientConfig: '/client-config',
  events: '/events',
  audit: {
    /** GET ?template=&unitId=&from=&to=&actor=&q= (Page<AuditTrailListItem>). */
    trails: '/audit/trails',
    trail: (instanceId: string) => `/audit/trails/${instanceId}`,
    /** GET ?instanceId= (one instance) or the whole chain. */
    verify: '/audit/verify',
    /** GET ?format=xlsx|csv and the trails filters. */
    export: '/audit/export',
    /** GET the list; POST signs the chain's head now. */
    checkpoints: '/audit/checkpoints',
    checkpointFile: (id: string) => `/audit/checkpoints/${id}/file`,
    publicKey: '/audit/public-key',
  },
} as const;
