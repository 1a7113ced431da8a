import { fileURLToPath, URL } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig, loadEnv } from 'vite';
import { precompress } from './build/precompress.plugin.ts';
import { vantIconFont } from './build/vant-icon-font.plugin.ts';

const path = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));
const chunkName = (name: string): string => (name.startsWith('_') ? 'common' : name);

export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, path('.'), 'LIANXIN_');
  return {
    base: '/',
    resolve: {
      alias: {
        '@lianxin/shared': path('../shared/src/index.ts'),
        '@': path('./src'),
      },
    },
    plugins: [vantIconFont(), vue(), precompress({ budgetKb: 150 })],
    server: {
      // `vite dev` talks to a running server: LIANXIN_API=http://127.0.0.1:3000 by default.
      proxy: { '/api': { target: env.LIANXIN_API ?? 'http://127.0.0.1:3000' } },
    },
    build: {
      outDir: 'dist',
      assetsDir: 'assets',
      emptyOutDir: true,
      target: 'es2020',
      rolldownOptions: {
        output: {
          // Vue and the router in one long-cached chunk; Vant stays split so lazy pages carry their own parts.
          codeSplitting: { groups: [{ name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router)[\\/]/ }] },
          // Shared chunks are named after a helper module inside them; call them what they are.
          chunkFileNames: (chunk) => `assets/${chunkName(chunk.name)}-[hash].js`,
          assetFileNames: (asset) => `assets/${chunkName(asset.names[0]?.replace(/\.[^.]+$/, '') ?? 'asset')}-[hash][extname]`,
        },
      },
    },
  };
});
