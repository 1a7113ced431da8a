import { canonicalizedQuery, percentEncode, rpcSignature, rpcTimestamp, signRpcRequest, stringToSign } from './aliyun-signature';

/** The RPC signature against the worked examples in Alibaba Cloud's docs (see aliyun-signature.ts). */
describe('Alibaba Cloud RPC signature', () => {
  // 短信服务「签名机制」(HTTP 协议及签名) worked example: SendSms with testId / testSecret.
  const smsDocParams = {
    AccessKeyId: 'testId',
    Action: 'SendSms',
    Format: 'XML',
    OutId: '123',
    PhoneNumbers: '15300000001',
    RegionId: 'cn-hangzhou',
    SignName: '阿里云短信测试专用',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466',
    SignatureVersion: '1.0',
    TemplateCode: 'SMS_71390007',
    TemplateParam: '{"customer":"test"}',
    Timestamp: '2017-07-12T02:42:19Z',
    Version: '2017-05-25',
  };

  it('reproduces the SMS doc example: string to sign and signature', () => {
    expect(stringToSign('GET', smsDocParams)).toBe(
      'GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123%26PhoneNumbers%3D15300000001%26RegionId%3Dcn-hangzhou' +
        '%26SignName%3D%25E9%2598%25BF%25E9%2587%258C%25E4%25BA%2591%25E7%259F%25AD%25E4%25BF%25A1%25E6%25B5%258B%25E8%25AF%2595%25E4%25B8%2593%25E7%2594%25A8' +
        '%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D45e25e9b-0a6f-4070-8c85-2956eda1b466%26SignatureVersion%3D1.0%26TemplateCode%3DSMS_71390007' +
        '%26TemplateParam%3D%257B%2522customer%2522%253A%2522test%2522%257D%26Timestamp%3D2017-07-12T02%253A42%253A19Z%26Version%3D2017-05-25',
    );
    expect(rpcSignature('GET', smsDocParams, 'testSecret')).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=');
  });

  it('ignores a Signature parameter and the order parameters come in', () => {
    const shuffled = Object.fromEntries(Object.entries({ ...smsDocParams, Signature: 'whatever' }).reverse());
    expect(rpcSignature('GET', shuffled, 'testSecret')).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=');
  });

  it('reproduces the generic RPC doc example (ECS DescribeRegions, testid / testsecret)', () => {
    const params = {
      TimeStamp: '2016-02-23T12:46:24Z',
      Format: 'XML',
      AccessKeyId: 'testid',
      Action: 'DescribeRegions',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      Version: '2014-05-26',
      SignatureVersion: '1.0',
    };
    expect(stringToSign('GET', params)).toBe(
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1' +
        '%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26TimeStamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26',
    );
    expect(rpcSignature('GET', params, 'testsecret')).toBe('CT9X0VtwR86fNWSnsc6v8YGOjuE=');
  });

  it('percent-encodes as the doc says: unreserved kept, space %20, * %2A, ~ kept, UTF-8 bytes', () => {
    expect(percentEncode('AZaz09-_.~')).toBe('AZaz09-_.~');
    expect(percentEncode("a b+c*d!e'f(g)h")).toBe('a%20b%2Bc%2Ad%21e%27f%28g%29h');
    expect(percentEncode('连心')).toBe('%E8%BF%9E%E5%BF%83');
    expect(percentEncode('/=&')).toBe('%2F%3D%26');
    expect(percentEncode('\uD800x')).toBe('%EF%BF%BDx');
  });

  it('sorts names by byte order (upper case before lower case)', () => {
    expect(canonicalizedQuery({ b: '1', B: '2', a: '3', Signature: 'x' })).toBe('B=2&a=3&b=1');
  });

  it('signs POST requests with POST in the string to sign', () => {
    expect(stringToSign('POST', { A: '1' })).toBe('POST&%2F&A%3D1');
    expect(rpcSignature('POST', smsDocParams, 'testSecret')).not.toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=');
  });

  it('adds the common parameters and a signature that verifies', () => {
    const now = new Date('2026-03-01T08:09:10.987Z');
    const signed = signRpcRequest('POST', 'SendSms', '2017-05-25', { PhoneNumbers: '13800000001' }, { accessKeyId: 'LTAIkey', accessKeySecret: 'secret' }, { now, nonce: 'n-1' });
    expect(signed).toMatchObject({
      Action: 'SendSms',
      Version: '2017-05-25',
      Format: 'JSON',
      AccessKeyId: 'LTAIkey',
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SignatureNonce: 'n-1',
      Timestamp: '2026-03-01T08:09:10Z',
      PhoneNumbers: '13800000001',
    });
    const { Signature, ...rest } = signed;
    expect(Signature).toBe(rpcSignature('POST', rest, 'secret'));
    expect(rpcTimestamp(now)).toBe('2026-03-01T08:09:10Z');
    const again = signRpcRequest('POST', 'SendSms', '2017-05-25', {}, { accessKeyId: 'k', accessKeySecret: 's' });
    const third = signRpcRequest('POST', 'SendSms', '2017-05-25', {}, { accessKeyId: 'k', accessKeySecret: 's' });
    expect(again.SignatureNonce).not.toBe(third.SignatureNonce);
  });
});
