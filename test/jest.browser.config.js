import { fileURLToPath } from 'node:url';

/** Browser tests: the built server plus Debian's Chromium driven by playwright-core. */
export default {
  rootDir: fileURLToPath(new URL('..', import.meta.url)),
  roots: ['<rootDir>/test/browser'],
  testMatch: ['**/test/browser/**/*.browser.ts'],
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'es6' },
      },
    ],
  },
  testTimeout: 120000,
  maxWorkers: 1,
};
