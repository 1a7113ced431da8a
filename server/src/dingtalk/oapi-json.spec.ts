import { parseOapiJson } from './dingtalk.client';

describe('parseOapiJson', () => {
  it('keeps ids past 2^53 exact as strings and leaves ordinary numbers alone', () => {
    const body = parseOapiJson('{"errcode":0,"result":[{"dept_id":18446744073709551615,"parent_id":1,"order":1.5,"big":1e300}],"ids":[9007199254740993]}');
    expect(body).toEqual({ errcode: 0, result: [{ dept_id: '18446744073709551615', parent_id: 1, order: 1.5, big: 1e300 }], ids: ['9007199254740993'] });
  });
});
