import type { FormField, FormSchema } from '@lianxin/shared';
import { daysInclusive, formatYuan, isDate, isIdNumber, maskIdNumber, maskPhone, maskPrivate, validateForm, validateSchema } from './form.js';

const UUID_A = '0b7c2c1e-5f0a-4f7e-9a51-3f6a1c2b9d01';
const UUID_B = '1c8d3d2f-6a1b-4a8f-8b62-4a7b2d3cae12';
/** Valid resident ID numbers (the first is GB 11643's own example). */
const ID_X = '11010519491231002X';
const ID = '110101199003071233';

/** A schema of one field. */
const one = (field: Partial<FormField> & Pick<FormField, 'type'>): FormSchema => ({ fields: [{ key: 'f', label: '字段', ...field }] });
/** Validates `{ f: value }` against a one-field schema. */
const check = (field: Partial<FormField> & Pick<FormField, 'type'>, value: unknown) => validateForm(one(field), { f: value });
const accepts = (field: Partial<FormField> & Pick<FormField, 'type'>, value: unknown) => {
  const r = check(field, value);
  expect(r.errors).toEqual([]);
  return r.normalized.f;
};
const refuses = (field: Partial<FormField> & Pick<FormField, 'type'>, value: unknown): string => {
  const r = check(field, value);
  expect(r.ok).toBe(false);
  expect(r.errors).toHaveLength(1);
  expect(r.errors[0].path).toBe('f');
  return r.errors[0].message;
};

describe('validateForm: the form as a whole', () => {
  const schema: FormSchema = {
    fields: [
      { key: 'title', label: '标题', type: 'text', required: true },
      { key: 'note', label: '备注', type: 'textarea' },
    ],
  };

  it('accepts a complete form and reports ok', () => {
    expect(validateForm(schema, { title: '下乡', note: '带上相机' })).toEqual({ ok: true, errors: [], normalized: { title: '下乡', note: '带上相机' } });
  });

  it('refuses keys the schema does not have, naming them', () => {
    const r = validateForm(schema, { title: '下乡', salary: 1 });
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([{ path: 'salary', message: '表单中没有「salary」这一项' }]);
  });

  it('asks for every missing required field, and leaves empty optional fields out', () => {
    for (const empty of [undefined, null, '', '   ']) {
      const r = validateForm(schema, empty === undefined ? {} : { title: empty, note: empty });
      expect(r.errors).toEqual([{ path: 'title', message: '请填写标题' }]);
      expect(r.normalized).toEqual({});
    }
  });

  it('reports every field at fault at once', () => {
    const r = validateForm(schema, { title: 5, note: ['x'] });
    expect(r.errors.map((e) => e.path)).toEqual(['title', 'note']);
  });

  it.each([null, [], 'form', 42])('refuses %p as a form', (values) => {
    expect(validateForm(schema, values)).toEqual({ ok: false, errors: [{ path: '', message: expect.stringContaining('对象') }], normalized: {} });
  });

  it('does not read inherited properties as values', () => {
    const values = Object.create({ title: '继承的' }) as Record<string, unknown>;
    expect(validateForm(schema, values).errors).toEqual([{ path: 'title', message: '请填写标题' }]);
  });

  it('words the required message by field type', () => {
    const cases: Array<[FormField['type'], string]> = [
      ['select', '请选择字段'],
      ['date', '请选择字段'],
      ['attachments', '请上传字段'],
      ['money', '请填写字段'],
    ];
    for (const [type, message] of cases) {
      const options = type === 'select' ? [{ value: 'a', label: 'A' }] : undefined;
      expect(validateForm(one({ type, required: true, options }), {}).errors).toEqual([{ path: 'f', message }]);
    }
  });
});

describe('validateForm: text and textarea', () => {
  it('trims and accepts text', () => {
    expect(accepts({ type: 'text' }, '  何家岩村  ')).toBe('何家岩村');
  });

  it('refuses anything but a string', () => {
    expect(refuses({ type: 'text' }, 12)).toBe('字段应为文字');
    expect(refuses({ type: 'textarea' }, { a: 1 })).toBe('字段应为文字');
  });

  it('counts characters, not UTF-16 units, against min and max', () => {
    expect(accepts({ type: 'text', max: 3 }, '𠀀𠀀𠀀')).toBe('𠀀𠀀𠀀');
    expect(refuses({ type: 'text', max: 3 }, '扶贫办公')).toBe('字段不能超过 3 个字');
    expect(refuses({ type: 'textarea', min: 5 }, '太短')).toBe('字段至少 5 个字');
  });

  it('caps text at 200 and textarea at 5000 characters when the field sets no max', () => {
    expect(accepts({ type: 'text' }, 'x'.repeat(200))).toHaveLength(200);
    expect(refuses({ type: 'text' }, 'x'.repeat(201))).toBe('字段不能超过 200 个字');
    expect(accepts({ type: 'textarea' }, 'x'.repeat(5000))).toHaveLength(5000);
    expect(refuses({ type: 'textarea' }, 'x'.repeat(5001))).toBe('字段不能超过 5000 个字');
  });

  it('matches the pattern against the whole value', () => {
    const time = { type: 'text' as const, pattern: '([01]\\d|2[0-3]):[0-5]\\d', patternMessage: '请按 HH:MM 填写' };
    expect(accepts(time, '08:30')).toBe('08:30');
    expect(refuses(time, '8:30')).toBe('请按 HH:MM 填写');
    expect(accepts(time, ' 08:30 ')).toBe('08:30');
    expect(refuses(time, '24:00')).toBe('请按 HH:MM 填写');
    expect(refuses(time, 'x08:30')).toBe('请按 HH:MM 填写');
    expect(refuses({ type: 'text', pattern: '\\d+' }, '12a')).toBe('字段格式不正确');
  });

  it('says so when a stored pattern cannot compile instead of throwing', () => {
    expect(refuses({ type: 'text', pattern: '(' }, 'x')).toContain('格式规则无效');
  });

  it('checks and compacts phone numbers', () => {
    expect(accepts({ type: 'text', format: 'phone' }, '138 0013-8000')).toBe('13800138000');
    expect(refuses({ type: 'text', format: 'phone' }, '12800138000')).toContain('不是有效的手机号');
    expect(refuses({ type: 'text', format: 'phone' }, '1380013800')).toContain('不是有效的手机号');
  });

  it('checks ID numbers with their check character, upper-casing x', () => {
    expect(accepts({ type: 'text', format: 'idNumber' }, ID_X.toLowerCase())).toBe(ID_X);
    expect(accepts({ type: 'text', format: 'idNumber' }, ID)).toBe(ID);
    expect(refuses({ type: 'text', format: 'idNumber' }, '110101199003071234')).toContain('不是有效的身份证号');
  });
});

describe('validateForm: number and money', () => {
  it('accepts finite numbers within min and max', () => {
    expect(accepts({ type: 'number', min: 0.5, max: 60 }, 0.5)).toBe(0.5);
    expect(accepts({ type: 'number', min: 0.5, max: 60 }, 60)).toBe(60);
    expect(refuses({ type: 'number', min: 0.5 }, 0)).toBe('字段不能少于 0.5');
    expect(refuses({ type: 'number', max: 60 }, 61)).toBe('字段不能超过 60');
  });

  it.each([['3'], [Number.NaN], [Infinity], [true]])('refuses %p as a number', (v) => {
    expect(refuses({ type: 'number' }, v)).toBe('字段应为数字');
  });

  it('refuses fractions where the field wants whole numbers', () => {
    expect(refuses({ type: 'number', integer: true }, 1.5)).toBe('字段应为整数');
    expect(accepts({ type: 'number', integer: true }, 2)).toBe(2);
  });

  it('takes money as an integer number of fen, zero included', () => {
    expect(accepts({ type: 'money' }, 0)).toBe(0);
    expect(accepts({ type: 'money' }, 5_000_000)).toBe(5_000_000);
  });

  it.each([[12.5], [-1], ['100'], [2 ** 53]])('refuses %p as money', (v) => {
    expect(refuses({ type: 'money' }, v)).toBe('字段应为以分计的非负整数（1 元 = 100）');
  });

  it('words money bounds in 元', () => {
    expect(refuses({ type: 'money', min: 100 }, 99)).toBe('字段不能少于 1.00 元');
    expect(refuses({ type: 'money', max: 5_000_000 }, 5_000_001)).toBe('字段不能超过 50000.00 元');
  });
});

describe('validateForm: dates', () => {
  it('accepts real dates only', () => {
    expect(accepts({ type: 'date' }, '2024-02-29')).toBe('2024-02-29');
    for (const v of ['2026-02-29', '2026-13-01', '2026-3-1', '2026/03/01', 20260301, '1899-12-31']) {
      expect(refuses({ type: 'date' }, v)).toBe('字段应为真实存在的日期（YYYY-MM-DD）');
    }
  });

  it('accepts an ordered date range, one day included', () => {
    expect(accepts({ type: 'dateRange' }, ['2026-03-02', '2026-03-06'])).toEqual(['2026-03-02', '2026-03-06']);
    expect(accepts({ type: 'dateRange' }, ['2026-03-02', '2026-03-02'])).toEqual(['2026-03-02', '2026-03-02']);
  });

  it('refuses a reversed, short, or unreal range', () => {
    expect(refuses({ type: 'dateRange' }, ['2026-03-06', '2026-03-02'])).toBe('字段的结束日期不能早于开始日期');
    expect(refuses({ type: 'dateRange' }, ['2026-03-02'])).toBe('字段应为开始和结束两个日期');
    expect(refuses({ type: 'dateRange' }, '2026-03-02')).toBe('字段应为开始和结束两个日期');
    expect(refuses({ type: 'dateRange' }, ['2026-03-02', '2026-02-30'])).toBe('字段的日期应为真实存在的 YYYY-MM-DD');
  });

  it('bounds a range by its days, both ends counted', () => {
    expect(daysInclusive('2026-03-02', '2026-03-02')).toBe(1);
    expect(daysInclusive('2026-02-27', '2026-03-02')).toBe(4);
    expect(accepts({ type: 'dateRange', max: 5 }, ['2026-03-02', '2026-03-06'])).toEqual(['2026-03-02', '2026-03-06']);
    expect(refuses({ type: 'dateRange', max: 5 }, ['2026-03-02', '2026-03-07'])).toBe('字段不能超过 5 天');
  });
});

describe('validateForm: choices', () => {
  const options = [
    { value: 'household', label: '户级' },
    { value: 'village', label: '村级' },
    { value: 'town', label: '镇级' },
  ];

  it('takes one option value for a select', () => {
    expect(accepts({ type: 'select', options }, 'village')).toBe('village');
    expect(refuses({ type: 'select', options }, '村级')).toBe('字段只能从给定的选项中选择');
    expect(refuses({ type: 'select', options }, ['village'])).toBe('字段只能从给定的选项中选择');
  });

  it('takes a subset of the options for a multi-select, duplicates removed', () => {
    expect(accepts({ type: 'multiSelect', options }, ['town', 'household', 'town'])).toEqual(['town', 'household']);
    expect(refuses({ type: 'multiSelect', options }, ['town', 'county'])).toBe('字段只能从给定的选项中选择');
    expect(refuses({ type: 'multiSelect', options }, 'town')).toBe('字段只能从给定的选项中选择');
  });

  it('counts multi-select picks against min and max', () => {
    expect(refuses({ type: 'multiSelect', options, max: 2 }, ['town', 'household', 'village'])).toBe('字段不能超过 2 项');
    expect(refuses({ type: 'multiSelect', options, min: 2 }, ['town'])).toBe('字段不能少于 2 项');
  });

  it('treats an empty multi-select as not filled in', () => {
    expect(check({ type: 'multiSelect', options, required: true }, []).errors).toEqual([{ path: 'f', message: '请选择字段' }]);
  });
});

describe('validateForm: members, units and attachments', () => {
  it('takes one uuid for a member or unit, lower-cased', () => {
    expect(accepts({ type: 'member' }, UUID_A.toUpperCase())).toBe(UUID_A);
    expect(accepts({ type: 'unit' }, UUID_B)).toBe(UUID_B);
    expect(refuses({ type: 'member' }, 'zhangsan')).toBe('字段不是有效的成员');
    expect(refuses({ type: 'unit' }, [UUID_B])).toBe('字段不是有效的单位');
  });

  it('takes a list of uuids for attachments, duplicates removed', () => {
    expect(accepts({ type: 'attachments' }, [UUID_A, UUID_B, UUID_A.toUpperCase()])).toEqual([UUID_A, UUID_B]);
    expect(refuses({ type: 'attachments' }, [UUID_A, 'photo.jpg'])).toBe('字段应为已上传文件的 id 列表');
    expect(refuses({ type: 'attachments' }, UUID_A)).toBe('字段应为已上传文件的 id 列表');
  });

  it('counts files against min and max, 50 at most by default', () => {
    expect(refuses({ type: 'attachments', min: 2 }, [UUID_A])).toBe('字段至少 2 个文件');
    expect(refuses({ type: 'attachments', max: 1 }, [UUID_A, UUID_B])).toBe('字段最多 1 个文件');
    const many = Array.from({ length: 51 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    expect(refuses({ type: 'attachments' }, many)).toBe('字段最多 50 个文件');
  });
});

describe('validateForm: location', () => {
  it('keeps latitude, longitude and a trimmed address, and drops anything else', () => {
    expect(accepts({ type: 'location' }, { latitude: 33.33, longitude: 106.15, address: ' 何家岩村委会 ', extra: 1 })).toEqual({
      latitude: 33.33,
      longitude: 106.15,
      address: '何家岩村委会',
    });
    expect(accepts({ type: 'location' }, { latitude: 0, longitude: 0 })).toEqual({ latitude: 0, longitude: 0 });
  });

  it('refuses coordinates out of range or of the wrong type', () => {
    expect(refuses({ type: 'location' }, { latitude: 91, longitude: 0 })).toContain('纬度');
    expect(refuses({ type: 'location' }, { latitude: 0, longitude: -181 })).toContain('经度');
    expect(refuses({ type: 'location' }, { latitude: '33', longitude: 106 })).toContain('纬度');
    expect(refuses({ type: 'location' }, [33, 106])).toBe('字段应包含经纬度');
    expect(refuses({ type: 'location' }, { latitude: 33, longitude: 106, address: 5 })).toBe('字段的地址应为文字');
    expect(refuses({ type: 'location' }, { latitude: 33, longitude: 106, address: 'x'.repeat(201) })).toContain('不能超过 200 个字');
  });
});

describe('maskPrivate', () => {
  const schema: FormSchema = {
    fields: [
      { key: 'place', label: '地点', type: 'text' },
      { key: 'contactName', label: '联系人', type: 'text', private: true },
      { key: 'contactPhone', label: '联系电话', type: 'text', format: 'phone', private: true },
      { key: 'idNumber', label: '身份证号', type: 'text', format: 'idNumber', private: true },
      { key: 'amount', label: '金额', type: 'money', private: true },
      { key: 'phone', label: '单位电话', type: 'text', format: 'phone' },
      { key: 'missing', label: '未填', type: 'text', private: true },
    ],
  };

  it('keeps the ends of private phones and ID numbers, hides other private fields, and leaves the rest', () => {
    const masked = maskPrivate(schema, {
      place: '何家岩村三组',
      contactName: '王秀英',
      contactPhone: '13812341234',
      idNumber: ID,
      amount: 120_000,
      phone: '13900001111',
    });
    expect(masked).toEqual({
      place: '何家岩村三组',
      contactName: '***',
      contactPhone: '138****1234',
      idNumber: '110***********1233',
      amount: '***',
      phone: '13900001111',
    });
  });

  it('drops keys the schema does not have', () => {
    expect(maskPrivate(schema, { place: 'x', secret: 'y' } as never)).toEqual({ place: 'x' });
  });

  it('masks the documented shapes', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
    expect(maskIdNumber('110101199003071234')).toBe('110***********1234');
    expect(maskIdNumber(ID_X)).toBe('110***********002X');
    expect(maskPhone('110')).toBe('***');
  });
});

describe('helpers', () => {
  it('isIdNumber checks the birth date and check character', () => {
    expect(isIdNumber(ID_X)).toBe(true);
    expect(isIdNumber('610726198506153314')).toBe(true);
    expect(isIdNumber('610726198506153315')).toBe(false);
    expect(isIdNumber('110101199002301236')).toBe(false); // 30 February
    expect(isIdNumber('11010119900307123')).toBe(false);
  });

  it('isDate and formatYuan', () => {
    expect(isDate('2026-03-02')).toBe(true);
    expect(isDate('2026-02-29')).toBe(false);
    expect(formatYuan(5_000_000)).toBe('50000.00');
    expect(formatYuan(5)).toBe('0.05');
    expect(formatYuan(-150)).toBe('-1.50');
  });
});

describe('validateSchema', () => {
  const codes = (schema: unknown) => validateSchema(schema).map((p) => [p.code, p.path]);

  it('finds nothing wrong with a sound schema', () => {
    expect(
      validateSchema({
        fields: [
          { key: 'level', label: '层级', type: 'select', required: true, options: [{ value: 'a', label: 'A' }] },
          { key: 'time', label: '时间', type: 'text', pattern: '\\d{2}:\\d{2}', patternMessage: '如 08:30' },
          { key: 'phone', label: '电话', type: 'text', format: 'phone', private: true },
          { key: 'days', label: '天数', type: 'number', min: 0.5, max: 60, integer: false },
          { key: 'amount', label: '金额', type: 'money', min: 1 },
          { key: 'files', label: '附件', type: 'attachments', max: 9 },
        ],
      }),
    ).toEqual([]);
  });

  it.each([null, {}, { fields: 'x' }, []])('refuses %p as a schema', (schema) => {
    expect(codes(schema)).toEqual([['schema_invalid', 'form']]);
  });

  it('refuses bad and duplicate keys, missing labels and unknown types, naming the field', () => {
    const problems = validateSchema({
      fields: [
        { key: '1st', label: '第一', type: 'text' },
        { key: 'a', label: '甲', type: 'text' },
        { key: 'a', label: '乙', type: 'text' },
        { key: 'b', label: '', type: 'text' },
        { key: 'c', label: '丙', type: 'rich' },
        'text',
      ],
    });
    expect(problems.map((p) => [p.code, p.path, p.fieldKey])).toEqual([
      ['field_key_invalid', 'form.fields.0.key', null],
      ['field_key_duplicate', 'form.fields.2.key', 'a'],
      ['field_label_missing', 'form.fields.3.label', 'b'],
      ['field_type_invalid', 'form.fields.4.type', 'c'],
      ['schema_invalid', 'form.fields.5', null],
    ]);
    expect(problems[0].message).toContain('「第一」');
    expect(problems[1].message).toContain('「a」');
  });

  it('wants options for choices, distinct and labelled, and none elsewhere', () => {
    expect(codes({ fields: [{ key: 's', label: 'S', type: 'select' }] })).toEqual([['field_options_invalid', 'form.fields.0.options']]);
    expect(codes({ fields: [{ key: 's', label: 'S', type: 'multiSelect', options: [] }] })).toEqual([['field_options_invalid', 'form.fields.0.options']]);
    expect(
      codes({
        fields: [
          {
            key: 's',
            label: 'S',
            type: 'select',
            options: [
              { value: 'a', label: 'A' },
              { value: 'a', label: 'B' },
              { value: '', label: 'C' },
            ],
          },
        ],
      }),
    ).toEqual([
      ['field_options_invalid', 'form.fields.0.options.1.value'],
      ['field_options_invalid', 'form.fields.0.options.2'],
    ]);
    expect(codes({ fields: [{ key: 't', label: 'T', type: 'text', options: [{ value: 'a', label: 'A' }] }] })).toEqual([
      ['field_attribute_unsupported', 'form.fields.0.options'],
    ]);
  });

  it('checks bounds: where they apply, their type and their order', () => {
    expect(codes({ fields: [{ key: 'd', label: 'D', type: 'date', min: 1 }] })).toEqual([['field_attribute_unsupported', 'form.fields.0.min']]);
    expect(codes({ fields: [{ key: 'm', label: 'M', type: 'money', min: 1.5 }] })).toEqual([['field_bounds_invalid', 'form.fields.0.min']]);
    expect(codes({ fields: [{ key: 't', label: 'T', type: 'text', max: -1 }] })).toEqual([['field_bounds_invalid', 'form.fields.0.max']]);
    expect(codes({ fields: [{ key: 'n', label: 'N', type: 'number', min: '1' }] })).toEqual([['field_bounds_invalid', 'form.fields.0.min']]);
    expect(codes({ fields: [{ key: 'n', label: 'N', type: 'number', min: 5, max: 1 }] })).toEqual([['field_bounds_invalid', 'form.fields.0.min']]);
    expect(codes({ fields: [{ key: 't', label: 'T', type: 'text', max: 5000 }] })).toEqual([['field_bounds_invalid', 'form.fields.0.max']]);
    expect(codes({ fields: [{ key: 'f', label: 'F', type: 'attachments', max: 51 }] })).toEqual([['field_bounds_invalid', 'form.fields.0.max']]);
  });

  it('checks patterns and formats', () => {
    expect(codes({ fields: [{ key: 't', label: 'T', type: 'text', pattern: '([' }] })).toEqual([['field_pattern_invalid', 'form.fields.0.pattern']]);
    expect(codes({ fields: [{ key: 'n', label: 'N', type: 'number', pattern: '\\d' }] })).toEqual([['field_attribute_unsupported', 'form.fields.0.pattern']]);
    expect(codes({ fields: [{ key: 't', label: 'T', type: 'text', patternMessage: '如 08:30' }] })).toEqual([
      ['field_attribute_unsupported', 'form.fields.0.patternMessage'],
    ]);
    expect(codes({ fields: [{ key: 't', label: 'T', type: 'textarea', format: 'phone' }] })).toEqual([['field_format_invalid', 'form.fields.0.format']]);
    expect(codes({ fields: [{ key: 't', label: 'T', type: 'text', format: 'email' }] })).toEqual([['field_format_invalid', 'form.fields.0.format']]);
  });

  it('checks flags and texts, and integer only on numbers', () => {
    expect(codes({ fields: [{ key: 't', label: 'T', type: 'text', required: 'yes', private: 1 }] })).toEqual([
      ['field_attribute_unsupported', 'form.fields.0.required'],
      ['field_attribute_unsupported', 'form.fields.0.private'],
    ]);
    expect(codes({ fields: [{ key: 'm', label: 'M', type: 'money', integer: true }] })).toEqual([['field_attribute_unsupported', 'form.fields.0.integer']]);
    expect(codes({ fields: [{ key: 't', label: 'T', type: 'text', placeholder: 'x'.repeat(201) }] })).toEqual([
      ['field_attribute_unsupported', 'form.fields.0.placeholder'],
    ]);
  });

  it('limits the number of fields', () => {
    const fields = Array.from({ length: 101 }, (_, i) => ({ key: `f${i}`, label: `字段${i}`, type: 'text' }));
    expect(codes({ fields })).toEqual([['schema_invalid', 'form.fields']]);
  });
});
