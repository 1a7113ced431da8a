import type { ClientConfigView } from '@lianxin/shared';
import { ApiPaths } from '@lianxin/shared';
import { shallowRef } from 'vue';
import { http } from '@/lib/http';

/** The public client config, fetched once per visit; a failed fetch is retried on the next call. */
export const clientConfig = shallowRef<ClientConfigView | null>(null);
let pending: Promise<ClientConfigView> | null = null;

export function loadClientConfig(): Promise<ClientConfigView> {
  if (clientConfig.value) return Promise.resolve(clientConfig.value);
  pending ??= http.get(ApiPaths.clientConfig).then(
    (config) => {
      clientConfig.value = config;
      return config;
    },
    (error: unknown) => {
      pending = null;
      throw error;
    },
  );
  return pending;
}
