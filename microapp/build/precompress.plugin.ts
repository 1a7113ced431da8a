import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import type { Plugin, ResolvedConfig } from 'vite';

/** What one emitted chunk pulls in statically (lazy `import()` targets are left out on purpose). */
interface ChunkDeps {
  imports: string[];
  css: string[];
  assets: string[];
}

interface Compressed {
  raw: number;
  gzip: number;
  brotli: number;
}

export interface PrecompressOptions {
  /** First-screen budget in KB (1 KB = 1024 bytes) of gzip; the build warns above it. */
  budgetKb: number;
}

const COMPRESSED = /\.(gz|br)$/;

/**
 * Writes a `.gz` and a `.br` copy of every file in the build output (the server serves them
 * precompressed) and prints the gzip size of what the sign-in page loads: index.html, the entry
 * chunk, its static imports and their CSS and assets, without the lazily loaded pages.
 */
export function precompress(options: PrecompressOptions): Plugin {
  let config: ResolvedConfig;
  const graph = new Map<string, ChunkDeps>();

  return {
    name: 'lianxin:precompress',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    generateBundle(_output, bundle) {
      for (const [fileName, item] of Object.entries(bundle)) {
        if (item.type !== 'chunk') continue;
        graph.set(fileName, {
          imports: [...item.imports],
          css: [...(item.viteMetadata?.importedCss ?? [])],
          assets: [...(item.viteMetadata?.importedAssets ?? [])],
        });
      }
    },
    async closeBundle() {
      if (graph.size === 0) return; // the build failed before writing anything
      const outDir = resolve(config.root, config.build.outDir);
      const sizes = await compressAll(outDir);
      const html = await readFile(join(outDir, 'index.html'), 'utf8');
      const files = firstScreenFiles(html, graph, config.base, (file) => readFile(join(outDir, file), 'utf8'));
      const list = ['index.html', ...(await files)];
      const total = list.reduce((sum, file) => sum + (sizes.get(file)?.gzip ?? 0), 0);
      const brotli = list.reduce((sum, file) => sum + (sizes.get(file)?.brotli ?? 0), 0);
      const logger = config.logger;
      logger.info('');
      for (const file of list) logger.info(`  ${file.padEnd(48)} gzip ${kb(sizes.get(file)?.gzip ?? 0)}`);
      const line = `首屏 (登录页) gzip: ${kb(total)} (brotli ${kb(brotli)}, ${list.length} 个文件, 目标 ≤ ${options.budgetKb} KB)`;
      if (total > options.budgetKb * 1024) logger.warn(`${line} — 超出预算`);
      else logger.info(line);
    },
  };
}

async function compressAll(outDir: string): Promise<Map<string, Compressed>> {
  const sizes = new Map<string, Compressed>();
  for (const path of await listFiles(outDir)) {
    if (COMPRESSED.test(path)) continue;
    const body = await readFile(path);
    const gzip = gzipSync(body, { level: 9 });
    const brotli = brotliCompressSync(body, {
      params: {
        [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
        [zlib.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    });
    await writeFile(`${path}.gz`, gzip);
    await writeFile(`${path}.br`, brotli);
    sizes.set(relative(outDir, path).split(sep).join('/'), { raw: body.length, gzip: gzip.length, brotli: brotli.length });
  }
  return sizes;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** Files the browser fetches before the sign-in page can run: what index.html names, and their static deps. */
async function firstScreenFiles(
  html: string,
  graph: Map<string, ChunkDeps>,
  base: string,
  read: (file: string) => Promise<string>,
): Promise<string[]> {
  const seen = new Set<string>();
  const queue = [...html.matchAll(/(?:src|href)="([^"]+)"/g)]
    .map((match) => match[1] ?? '')
    .filter((url) => url.startsWith(base) && !url.startsWith('//'))
    .map((url) => url.slice(base.length));
  while (queue.length > 0) {
    const file = queue.shift() ?? '';
    if (seen.has(file)) continue;
    seen.add(file);
    const deps = graph.get(file);
    if (deps) queue.push(...deps.imports, ...deps.css, ...deps.assets);
    if (file.endsWith('.css')) queue.push(...cssAssets(await read(file)));
  }
  return [...seen];
}

function cssAssets(css: string): string[] {
  return [...css.matchAll(/url\(["']?([^"')]+)["']?\)/g)]
    .map((match) => match[1] ?? '')
    .filter((url) => !url.startsWith('data:') && !url.includes('//'))
    .map((url) => `assets/${url.split('/').pop() ?? ''}`);
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
