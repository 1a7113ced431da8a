/**
 * Adds to package-lock.json the other platforms' builds of optional native packages that an
 * npm registry mirror without those versions left out (npm then records nothing for them, and
 * `npm ci` refuses the lock file as out of sync). Each added entry carries the os/cpu/libc of the
 * package, taken from its registry metadata, so npm skips it on other platforms exactly as it
 * would with a complete lock file. Run after `npm install` changes the lock: node scripts/complete-lockfile.mjs
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const pkgs = lock.packages;
let added = 0;
for (const [path, entry] of Object.entries(pkgs)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = path ? `${path}/node_modules/` : 'node_modules/';
    if (pkgs[`${base}${name}`] || pkgs[`node_modules/${name}`]) continue;
    const version = range.replace(/^[\^~=]/, '');
    const meta = JSON.parse(execFileSync('npm', ['view', name, 'os', 'cpu', 'libc', 'license', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }) || '{}');
    if (!meta.os && !meta.cpu) {
      process.stderr.write(`skipped ${name}: no os/cpu in its metadata\n`);
      continue;
    }
    pkgs[`node_modules/${name}`] = {
      version,
      ...(meta.cpu ? { cpu: meta.cpu } : {}),
      ...(entry.dev ? { dev: true } : {}),
      ...(meta.libc ? { libc: [].concat(meta.libc) } : {}),
      ...(meta.license ? { license: meta.license } : {}),
      optional: true,
      ...(meta.os ? { os: meta.os } : {}),
    };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
process.stdout.write(`added ${added} optional platform entries to package-lock.json\n`);
