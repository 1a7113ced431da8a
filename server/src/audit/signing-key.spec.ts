import { generateKeyPairSync, verify } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/app-config';
import { KEY_FILE, loadSigner } from './signing-key';

describe('AUDIT_SIGNING_KEY and the key file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lx-audit-key-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const ed = generateKeyPairSync('ed25519');
  const pem = ed.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const publicPem = ed.publicKey.export({ format: 'pem', type: 'spki' }).toString();

  it.each([
    ['PEM', pem],
    ['PEM with \\n for line breaks', pem.replace(/\n/g, '\\n')],
    ['the PEM in base64', Buffer.from(pem).toString('base64')],
    ['the DER in base64', ed.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64')],
  ])('takes the key as %s and signs with it', async (_label, value) => {
    const config = loadConfig({ AUDIT_SIGNING_KEY: value, DATA_DIR: dir });
    const signer = await loadSigner(config);
    expect(signer.source).toBe('env');
    expect(signer.publicKeyPem).toBe(publicPem);
    const sig = signer.sign('检查点');
    expect(verify(null, Buffer.from('检查点'), ed.publicKey, Buffer.from(sig, 'base64'))).toBe(true);
    expect(signer.verify('检查点', sig)).toBe(true);
    expect(signer.verify('检查点。', sig)).toBe(false);
    expect(signer.verify('检查点', 'not base64 at all')).toBe(false);
  });

  it.each([
    ['garbage', 'bm9wZQ=='],
    ['an RSA key', generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()],
    ['a public key', publicPem],
  ])('stops start-up on %s, in one line', (_label, value) => {
    expect(() => loadConfig({ AUDIT_SIGNING_KEY: value })).toThrow(/^Invalid configuration: AUDIT_SIGNING_KEY must be an Ed25519 private key/);
  });

  it('without it, generates a key file in DATA_DIR once (mode 0600) and keeps using it', async () => {
    const config = loadConfig({ DATA_DIR: dir });
    expect(config.audit.signingKeyPem).toBeNull();
    const [a, b] = await Promise.all([loadSigner(config), loadSigner(config)]);
    expect(a.publicKeyPem).toBe(b.publicKeyPem);
    expect(a.source).toBe('file');
    expect((await stat(join(dir, KEY_FILE))).mode & 0o077).toBe(0);
    const again = await loadSigner(config);
    expect(again.publicKeyPem).toBe(a.publicKeyPem);
    expect(await readFile(join(dir, KEY_FILE), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });
});
