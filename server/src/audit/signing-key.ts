import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppConfig } from '../config/app-config.js';

/** The Ed25519 key that signs checkpoints. It lives outside the database: AUDIT_SIGNING_KEY, or a file in DATA_DIR. */
export interface AuditSigner {
  /** PEM (SPKI). */
  publicKeyPem: string;
  /** SHA-256 of the DER public key, hex. */
  fingerprint: string;
  source: 'env' | 'file';
  /** Base64 Ed25519 signature of the UTF-8 text. */
  sign(payload: string): string;
  /** True when `signature` (base64) signs `payload` with this key. */
  verify(payload: string, signature: string): boolean;
}

export const AUDIT_SIGNER = Symbol('AUDIT_SIGNER');

export const KEY_FILE = 'audit-signing-key.pem';

/**
 * AUDIT_SIGNING_KEY when set; otherwise `DATA_DIR/audit-signing-key.pem`, generated on first start
 * (mode 0600, never overwritten: two servers starting at once keep whichever was written first).
 */
export async function loadSigner(config: AppConfig): Promise<AuditSigner> {
  const pem = config.audit.signingKeyPem ?? (await keyFile(config.dataDir));
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${join(config.dataDir, KEY_FILE)} is not an Ed25519 private key`);
  return signer(key, config.audit.signingKeyPem ? 'env' : 'file');
}

export function signer(privateKey: KeyObject, source: AuditSigner['source']): AuditSigner {
  const publicKey = createPublicKey(privateKey);
  const publicKeyPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const fingerprint = createHash('sha256').update(publicKey.export({ format: 'der', type: 'spki' })).digest('hex');
  return {
    publicKeyPem,
    fingerprint,
    source,
    sign: (payload) => sign(null, Buffer.from(payload, 'utf8'), privateKey).toString('base64'),
    verify: (payload, signature) => {
      try {
        return verify(null, Buffer.from(payload, 'utf8'), publicKey, Buffer.from(signature, 'base64'));
      } catch {
        return false;
      }
    },
  };
}

async function keyFile(dataDir: string): Promise<string> {
  const file = join(dataDir, KEY_FILE);
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dataDir, { recursive: true });
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  // Written whole under another name, then linked into place: a server starting at the same moment
  // never reads a half-written key, and whichever link lands first is the key of both.
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  try {
    await writeFile(tmp, pem, { mode: 0o600, flag: 'wx' });
    await link(tmp, file).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
  } catch (e) {
    throw new Error(`AUDIT_SIGNING_KEY is not set and ${file} cannot be written (${(e as NodeJS.ErrnoException).code}): set AUDIT_SIGNING_KEY or make DATA_DIR writable`);
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  return readFile(file, 'utf8');
}
