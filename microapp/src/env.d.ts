/// <reference types="vite/client" />
import 'vue-router';

declare module 'vue-router' {
  interface RouteMeta {
    /** Page title, shown through the platform (DingTalk navigation bar or document.title). */
    title: string;
    /** Reachable without signing in. */
    public?: boolean;
  }
}
