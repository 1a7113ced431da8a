export * from './api-paths.js';
export * from './common/errors.js';
export * from './common/paging.js';
export * from './org/org.js';
export * from './org/org-api.js';
export * from './identity/identity.js';
export * from './events/events.js';
export * from './notices/notices.js';
