import { DirectoryDataError, deptFromApi, idList, idString, mergeListings, parseJsonExact, userFromDetail, userFromListing } from './directory.js';

describe('DingTalk directory records', () => {
  it('keeps ids as decimal strings, from numbers that are still exact or strings of digits', () => {
    expect(idString(1, 'dept_id')).toBe('1');
    expect(idString(912345678901, 'dept_id')).toBe('912345678901');
    expect(idString('18446744073709551615', 'dept_id')).toBe('18446744073709551615');
    expect(idString(' 007 ', 'dept_id')).toBe('7');
    expect(() => idString(2 ** 53 + 2, 'dept_id')).toThrow(DirectoryDataError);
    expect(() => idString('12a', 'dept_id')).toThrow(/not an id/);
    expect(() => idString(-3, 'dept_id')).toThrow(DirectoryDataError);
  });

  it('reads id lists as arrays or as the doc samples’ "[2,3,4]" strings', () => {
    expect(idList([2, 3, 4], 'x')).toEqual(['2', '3', '4']);
    expect(idList('[2,3,4]', 'x')).toEqual(['2', '3', '4']);
    expect(idList('[]', 'x')).toEqual([]);
    expect(idList(undefined, 'x')).toEqual([]);
    expect(idList(5, 'x')).toEqual(['5']);
  });

  it('reads a department; no parent means the root', () => {
    expect(deptFromApi({ dept_id: 379041095, name: ' 市场部 ', parent_id: 1 })).toEqual({ deptId: '379041095', parentId: '1', name: '市场部' });
    expect(deptFromApi({ dept_id: 5 })).toEqual({ deptId: '5', parentId: '1', name: '部门5' });
  });

  it('reads a user/list item: the leader flag is about the listed department, which is always among the departments', () => {
    expect(userFromListing({ userid: 'zs', name: '张三', mobile: '135', title: '', dept_id_list: '[2,3]', leader: 'true' }, '3')).toEqual({
      userid: 'zs',
      name: '张三',
      mobile: '135',
      title: null,
      deptIds: ['2', '3'],
      leaderIn: ['3'],
    });
    expect(userFromListing({ userid: 'ls', name: '李四', leader: false }, '9')).toMatchObject({ mobile: null, deptIds: ['9'], leaderIn: [] });
    expect(() => userFromListing({ name: '无名' }, '1')).toThrow(/userid/);
  });

  it('reads a user/get result with leader_in_dept', () => {
    const u = userFromDetail({ userid: 'zs', name: '张三', dept_id_list: [2, 3], leader_in_dept: [{ dept_id: 2, leader: true }, { dept_id: 3, leader: false }] });
    expect(u).toEqual({ userid: 'zs', name: '张三', mobile: null, title: null, deptIds: ['2', '3'], leaderIn: ['2'] });
  });

  it('merges a user listed in several departments into one record', () => {
    const a = userFromListing({ userid: 'zs', name: '张三', dept_id_list: [2, 3], leader: true }, '2');
    const b = userFromListing({ userid: 'zs', name: '张三', dept_id_list: [2, 3], leader: true }, '3');
    const c = userFromListing({ userid: 'ls', name: '李四', dept_id_list: [3] }, '3');
    expect(mergeListings([a, c, b])).toEqual([
      { ...a, leaderIn: ['2', '3'] },
      c,
    ]);
  });

  it('parses JSON keeping integers beyond 2^53 exact', () => {
    expect(parseJsonExact('{"deptId":[18446744073709551615,12],"n":1.5,"s":"x"}')).toEqual({ deptId: ['18446744073709551615', 12], n: 1.5, s: 'x' });
  });
});
