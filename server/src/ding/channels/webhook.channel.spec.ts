import { webhookSignature } from './webhook.channel';

describe('webhook signature', () => {
  // Vector computed independently: printf '%s' '1767225600.[{"deliveryId":"d1","title":"开会"}]' |
  //   openssl dgst -sha256 -hmac 'webhook-test-secret-0123456789abcdef' -hex
  const secret = 'webhook-test-secret-0123456789abcdef';
  const body = '[{"deliveryId":"d1","title":"开会"}]';

  it('is sha256= and the hex HMAC-SHA256 of timestamp + "." + raw body (UTF-8)', () => {
    expect(webhookSignature(secret, '1767225600', body)).toBe('sha256=1f88b0fea3ebe1fb2db29f457dba7d41adfe9fe74ef6f59b1aa2a0b94629e996');
    expect(webhookSignature(secret, '1767225600', Buffer.from(body, 'utf8'))).toBe('sha256=1f88b0fea3ebe1fb2db29f457dba7d41adfe9fe74ef6f59b1aa2a0b94629e996');
  });

  it('changes with the timestamp, the body and the secret', () => {
    const base = webhookSignature(secret, '1767225600', body);
    expect(webhookSignature(secret, '1767225601', body)).not.toBe(base);
    expect(webhookSignature(secret, '1767225600', body.replace('开会', '开 会'))).not.toBe(base);
    expect(webhookSignature(`${secret}x`, '1767225600', body)).not.toBe(base);
  });
});
