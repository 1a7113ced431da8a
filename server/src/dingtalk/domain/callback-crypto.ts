import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * DingTalk event-push crypto (docs reference §4.2), verified against the two official vectors:
 * sha1 over the four sorted strings, AES-256-CBC with IV = first 16 key bytes, PKCS#7 padding to a
 * 32-byte block (so the pad can exceed 16 and Node's own padding cannot be used), and the plain
 * layout random(16) | length(4, big-endian) | message | owner key.
 */

export interface CallbackKeys {
  /** The token set in the console (3–32 letters/digits). */
  token: string;
  /** EncodingAESKey: 43 characters, base64 of the 32-byte AES key without its '='. */
  aesKey: string;
  /** appKey for an internal app subscribed in the developer console (CorpId for legacy registration, suiteKey for ISVs). */
  ownerKey: string;
}

export interface SignedMessage {
  signature: string;
  timestamp: string;
  nonce: string;
  encrypt: string;
}

/** What DingTalk expects back: the same crypto around the word `success`. */
export interface CallbackResponse {
  msg_signature: string;
  timeStamp: string;
  nonce: string;
  encrypt: string;
}

/** The failure codes of the official DingCallbackCrypto classes. */
export const CallbackCryptoErrorCode = {
  AesKeyInvalid: 900004,
  SignatureMismatch: 900005,
  DecryptFailed: 900008,
  LengthMismatch: 900009,
  OwnerKeyMismatch: 900010,
} as const;
export type CallbackCryptoErrorCode = (typeof CallbackCryptoErrorCode)[keyof typeof CallbackCryptoErrorCode];

export class CallbackCryptoError extends Error {
  override name = 'CallbackCryptoError';
  constructor(
    readonly code: CallbackCryptoErrorCode,
    message: string,
  ) {
    super(`${code} ${message}`);
  }
}

const BLOCK = 32;

/** sha1 hex of token, timestamp, nonce and ciphertext, sorted as plain strings and joined. */
export function callbackSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypt].sort().join(''), 'utf8').digest('hex');
}

/** Checks the signature first, then decrypts and checks the owner key; returns the message (UTF-8 JSON). */
export function openCallback(keys: CallbackKeys, msg: SignedMessage): string {
  const expected = Buffer.from(callbackSignature(keys.token, msg.timestamp, msg.nonce, msg.encrypt), 'utf8');
  const given = Buffer.from(msg.signature, 'utf8');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new CallbackCryptoError(CallbackCryptoErrorCode.SignatureMismatch, 'signature mismatch');
  }
  const key = aesKeyBytes(keys.aesKey);
  let plain: Buffer;
  try {
    const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    d.setAutoPadding(false);
    plain = Buffer.concat([d.update(Buffer.from(msg.encrypt, 'base64')), d.final()]);
  } catch {
    throw new CallbackCryptoError(CallbackCryptoErrorCode.DecryptFailed, 'ciphertext is not whole AES blocks');
  }
  const pad = plain.length > 0 ? plain[plain.length - 1] : 0;
  if (pad < 1 || pad > BLOCK || pad > plain.length || !plain.subarray(plain.length - pad).every((b) => b === pad)) {
    throw new CallbackCryptoError(CallbackCryptoErrorCode.DecryptFailed, 'bad padding');
  }
  const body = plain.subarray(0, plain.length - pad);
  if (body.length < 20) throw new CallbackCryptoError(CallbackCryptoErrorCode.LengthMismatch, 'message too short');
  const len = body.readUInt32BE(16);
  if (20 + len > body.length) throw new CallbackCryptoError(CallbackCryptoErrorCode.LengthMismatch, 'length field exceeds the message');
  const owner = body.subarray(20 + len);
  if (!owner.equals(Buffer.from(keys.ownerKey, 'utf8'))) {
    throw new CallbackCryptoError(CallbackCryptoErrorCode.OwnerKeyMismatch, 'owner key mismatch');
  }
  return body.subarray(20, 20 + len).toString('utf8');
}

/** Encrypts and signs a message (normally `success`) the way DingTalk expects the answer. `random` is for tests. */
export function sealCallback(keys: CallbackKeys, message: string, timestamp: string, nonce: string, random: Buffer = randomBytes(16)): CallbackResponse {
  if (random.length !== 16) throw new Error('random prefix must be 16 bytes');
  const key = aesKeyBytes(keys.aesKey);
  const msg = Buffer.from(message, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length);
  const body = Buffer.concat([random, len, msg, Buffer.from(keys.ownerKey, 'utf8')]);
  const pad = BLOCK - (body.length % BLOCK);
  const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  c.setAutoPadding(false);
  const encrypt = Buffer.concat([c.update(Buffer.concat([body, Buffer.alloc(pad, pad)])), c.final()]).toString('base64');
  return { msg_signature: callbackSignature(keys.token, timestamp, nonce, encrypt), timeStamp: timestamp, nonce, encrypt };
}

function aesKeyBytes(aesKey: string): Buffer {
  if (!/^[A-Za-z0-9]{43}$/.test(aesKey)) throw new CallbackCryptoError(CallbackCryptoErrorCode.AesKeyInvalid, 'EncodingAESKey must be 43 letters or digits');
  return Buffer.from(aesKey + '=', 'base64');
}
