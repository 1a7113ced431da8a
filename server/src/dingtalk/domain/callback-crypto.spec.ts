import { createCipheriv, createDecipheriv } from 'node:crypto';
import { CallbackCryptoError, CallbackCryptoErrorCode, callbackSignature, openCallback, sealCallback, type CallbackKeys, type SignedMessage } from './callback-crypto.js';

/* The two official test vectors quoted in docs reference §4.2. */
const A = {
  keys: { token: '123456', aesKey: '1234567890123456789012345678901234567890123', ownerKey: 'dingsnotzck6pm5veliw' },
  msg: {
    signature: '9a95a004dd16f5c307e849b994173f76aa26e5eb',
    timestamp: '1614767836',
    nonce: 'A7Co0cJLMzIDtMMI',
    encrypt: 'YvkvaGe4hQxd3VxRmEty0dVlnCOAqwf56xwTRHDHoOURqhalbmBJQk5FNcRk42Gl5T0YQXZNwpwWSm1xAFJ5ZA==',
  },
  plain: 'success',
};
const B = {
  keys: { token: 'mryue', aesKey: 'Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7', ownerKey: 'ding6ccabc44d2c8d38b' },
  msg: {
    signature: '03044561471240d4a14bb09372dfcfd4fd0e40cb',
    timestamp: '1608001896814',
    nonce: 'WL4PK6yA',
    encrypt: '0vJiX6vliEpwG3U45CtXqi+m8PXbQRARJ8p8BbDuD1EMTDf0jKpQ79QS93qEk7XHpP6u+oTTrd15NRPvNvmBKyDCYxxOK+HZeKju4yhELOFchzNukR+t8SB/qk4ROMu3',
  },
  plain: '{"EventType":"check_url"}',
};

const failsWith = (code: number, fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CallbackCryptoError);
    expect((err as CallbackCryptoError).code).toBe(code);
    return;
  }
  throw new Error(`expected CallbackCryptoError ${code}`);
};

/** The raw decrypted block of a vector (padding included), to reuse its random prefix. */
function rawPlain(keys: CallbackKeys, encrypt: string): Buffer {
  const key = Buffer.from(keys.aesKey + '=', 'base64');
  const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  d.setAutoPadding(false);
  return Buffer.concat([d.update(Buffer.from(encrypt, 'base64')), d.final()]);
}

/** Encrypts an arbitrary padded plaintext with a vector's key, and signs it. */
function forge(keys: CallbackKeys, plain: Buffer): SignedMessage {
  const key = Buffer.from(keys.aesKey + '=', 'base64');
  const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  c.setAutoPadding(false);
  const encrypt = Buffer.concat([c.update(plain), c.final()]).toString('base64');
  return { signature: callbackSignature(keys.token, '1700000000', 'n0nce', encrypt), timestamp: '1700000000', nonce: 'n0nce', encrypt };
}

describe('DingTalk callback crypto (reference §4.2)', () => {
  it.each([
    ['A (FAQ, pad 17 > 16)', A],
    ['B (DingCallbackCrypto3.py)', B],
  ])('vector %s: the signature matches and the message decrypts', (_label, v) => {
    expect(callbackSignature(v.keys.token, v.msg.timestamp, v.msg.nonce, v.msg.encrypt)).toBe(v.msg.signature);
    expect(openCallback(v.keys, v.msg)).toBe(v.plain);
  });

  it('vector A uses a pad byte of 17, which Node’s own PKCS#7 handling would refuse', () => {
    const raw = rawPlain(A.keys, A.msg.encrypt);
    expect(raw[raw.length - 1]).toBe(17);
  });

  it.each([
    ['A', A],
    ['B', B],
  ])('re-sealing vector %s with its random prefix, timestamp and nonce gives the same ciphertext and signature', (_label, v) => {
    const random = rawPlain(v.keys, v.msg.encrypt).subarray(0, 16);
    expect(sealCallback(v.keys, v.plain, v.msg.timestamp, v.msg.nonce, random)).toEqual({
      msg_signature: v.msg.signature,
      timeStamp: v.msg.timestamp,
      nonce: v.msg.nonce,
      encrypt: v.msg.encrypt,
    });
  });

  it('round-trips Chinese text and messages of every length around the 32-byte block', () => {
    for (let n = 0; n < 70; n++) {
      const text = '部'.repeat(n % 7) + 'x'.repeat(n);
      const sealed = sealCallback(B.keys, text, '1608001896814', 'abc');
      expect(Buffer.from(sealed.encrypt, 'base64').length % 32).toBe(0);
      expect(openCallback(B.keys, { signature: sealed.msg_signature, timestamp: sealed.timeStamp, nonce: sealed.nonce, encrypt: sealed.encrypt })).toBe(text);
    }
  });

  it('refuses a bad signature (900005): wrong hex, another token, a changed timestamp, nonce or ciphertext', () => {
    failsWith(CallbackCryptoErrorCode.SignatureMismatch, () => openCallback(A.keys, { ...A.msg, signature: A.msg.signature.replace('9a', '9b') }));
    failsWith(CallbackCryptoErrorCode.SignatureMismatch, () => openCallback(A.keys, { ...A.msg, signature: A.msg.signature.toUpperCase() }));
    failsWith(CallbackCryptoErrorCode.SignatureMismatch, () => openCallback(A.keys, { ...A.msg, signature: '' }));
    failsWith(CallbackCryptoErrorCode.SignatureMismatch, () => openCallback({ ...A.keys, token: '1234567' }, A.msg));
    failsWith(CallbackCryptoErrorCode.SignatureMismatch, () => openCallback(A.keys, { ...A.msg, timestamp: '1614767837' }));
    failsWith(CallbackCryptoErrorCode.SignatureMismatch, () => openCallback(A.keys, { ...A.msg, nonce: 'A7Co0cJLMzIDtMMJ' }));
    failsWith(CallbackCryptoErrorCode.SignatureMismatch, () => openCallback(B.keys, { ...B.msg, encrypt: B.msg.encrypt.replace('0vJi', '0vJj') }));
  });

  it('refuses the wrong owner key (900010): the CorpId instead of the appKey, or another app', () => {
    failsWith(CallbackCryptoErrorCode.OwnerKeyMismatch, () => openCallback({ ...A.keys, ownerKey: 'dingsnotzck6pm5velix' }, A.msg));
    failsWith(CallbackCryptoErrorCode.OwnerKeyMismatch, () => openCallback({ ...B.keys, ownerKey: 'ding6ccabc44d2c8d38' }, B.msg));
    const sealed = sealCallback({ ...B.keys, ownerKey: 'dingcorp000000000001' }, 'success', '1', '2');
    failsWith(CallbackCryptoErrorCode.OwnerKeyMismatch, () => openCallback(B.keys, { signature: sealed.msg_signature, timestamp: '1', nonce: '2', encrypt: sealed.encrypt }));
  });

  it('refuses bad padding (900008): a pad byte of 0 or above 32, or pad bytes that differ', () => {
    const body = Buffer.concat([Buffer.alloc(16, 7), Buffer.from([0, 0, 0, 7]), Buffer.from('success'), Buffer.from(B.keys.ownerKey)]); // 47 bytes
    const padded = (tail: number[]) => Buffer.concat([body, Buffer.from(tail)]);
    const good = padded(Array(17).fill(17));
    expect(openCallback(B.keys, forge(B.keys, good))).toBe('success');
    failsWith(CallbackCryptoErrorCode.DecryptFailed, () => openCallback(B.keys, forge(B.keys, padded([...Array(16).fill(17), 0]))));
    failsWith(CallbackCryptoErrorCode.DecryptFailed, () => openCallback(B.keys, forge(B.keys, padded([...Array(16).fill(17), 33]))));
    failsWith(CallbackCryptoErrorCode.DecryptFailed, () => openCallback(B.keys, forge(B.keys, padded([...Array(16).fill(16), 17]))));
    // A key that is not the one the message was encrypted with almost always yields garbage padding.
    failsWith(CallbackCryptoErrorCode.DecryptFailed, () => openCallback({ ...A.keys, aesKey: '1234567890123456789012345678901234567890124' }, A.msg));
  });

  it('refuses a ciphertext that is not whole AES blocks (900008), a length field beyond the message (900009), and a malformed AES key (900004)', () => {
    const cut = Buffer.from(A.msg.encrypt, 'base64').subarray(0, 40).toString('base64');
    failsWith(CallbackCryptoErrorCode.DecryptFailed, () => openCallback(A.keys, { ...A.msg, encrypt: cut, signature: callbackSignature(A.keys.token, A.msg.timestamp, A.msg.nonce, cut) }));
    const body = Buffer.concat([Buffer.alloc(16, 1), Buffer.from([0, 0, 1, 0]), Buffer.from('success')]);
    const pad = 32 - (body.length % 32);
    failsWith(CallbackCryptoErrorCode.LengthMismatch, () => openCallback(B.keys, forge(B.keys, Buffer.concat([body, Buffer.alloc(pad, pad)]))));
    failsWith(CallbackCryptoErrorCode.AesKeyInvalid, () => openCallback({ ...A.keys, aesKey: 'short' }, A.msg));
  });
});
