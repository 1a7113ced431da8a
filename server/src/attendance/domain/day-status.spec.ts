import { computeDay, dayWindow, isWorkday } from './day-status.js';
import type { CalendarKind, DayInput, Punch, ShiftRule } from './day-status.js';

/** County offices: 08:30–12:00 and 14:30–17:30 on weekdays. */
const county: ShiftRule = {
  segments: [
    { start: '08:30', end: '12:00' },
    { start: '14:30', end: '17:30' },
  ],
  workdays: [1, 2, 3, 4, 5],
  lateGraceMinutes: 5,
  earlyGraceMinutes: 5,
  seriousLateMinutes: 30,
};
/** One span without a lunch break. */
const oneSpan: ShiftRule = { ...county, segments: [{ start: '09:00', end: '17:00' }] };
/** A night shift ending the next morning. */
const night: ShiftRule = { ...county, segments: [{ start: '20:00', end: '08:00' }] };

const MONDAY = '2026-03-02';
const SATURDAY = '2026-03-07';
/** 春节 holiday falling on a Wednesday. */
const HOLIDAY_WEDNESDAY = '2026-02-18';
/** A Sunday worked as 调休 before 国庆. */
const ADJUSTED_SUNDAY = '2026-09-20';

/** An instant from a China-time ISO string. */
const t = (iso: string) => new Date(`${iso}+08:00`);
/** A counting punch at a China-time instant. */
const punch = (iso: string, kind: Punch['kind'] = 'spot', counts = true): Punch => ({ at: t(iso), kind, counts });
/** Counting punches of one kind on one date at the given clock times. */
const punchesOn = (date: string, times: string[], kind: Punch['kind'] = 'spot') => times.map((hm) => punch(`${date}T${hm}:00`, kind));

/** A day's input with defaults: the county rule on the Monday, no calendar entry, not on leave, no punches. */
function day(overrides: Partial<DayInput>): DayInput {
  return { date: MONDAY, rule: county, calendar: null, onLeave: false, punches: [], ...overrides };
}

describe('isWorkday', () => {
  it.each<[string, string, CalendarKind | null, boolean]>([
    ['a Monday by the rule', MONDAY, null, true],
    ['a Saturday by the rule', SATURDAY, null, false],
    ['a Sunday by the rule', '2026-03-08', null, false],
    ['a holiday on a Wednesday', HOLIDAY_WEDNESDAY, 'holiday', false],
    ['a holiday even on a Monday', MONDAY, 'holiday', false],
    ['a 调休 Sunday', ADJUSTED_SUNDAY, 'workday', true],
  ])('%s', (_name, date, calendar, expected) => {
    expect(isWorkday(date, county, calendar)).toBe(expected);
  });
});

describe('dayWindow', () => {
  it('opens 4 h before the first segment and lasts 24 h', () => {
    expect(dayWindow(MONDAY, county)).toEqual({ from: t('2026-03-02T04:30:00'), to: t('2026-03-03T04:30:00') });
    expect(dayWindow(MONDAY, oneSpan)).toEqual({ from: t('2026-03-02T05:00:00'), to: t('2026-03-03T05:00:00') });
    expect(dayWindow(MONDAY, night)).toEqual({ from: t('2026-03-02T16:00:00'), to: t('2026-03-03T16:00:00') });
  });

  it('ignores a punch 1 ms before the window opens', () => {
    const result = computeDay(day({ punches: [punch('2026-03-02T04:29:59.999')] }));
    expect(result.status).toBe('absent');
    expect(result.firstIn).toBeNull();
    expect(result.missingCount).toBe(4);
  });

  it('takes a punch at the very opening as the first segment in', () => {
    const result = computeDay(day({ punches: [punch('2026-03-02T04:30:00.000')] }));
    expect(result.status).toBe('missing');
    expect(result.segments[0].in).toEqual(t('2026-03-02T04:30:00.000'));
    expect(result.missingCount).toBe(3);
  });

  it('leaves a punch at the closing instant to the next day and keeps one 1 ms before it', () => {
    expect(computeDay(day({ punches: [punch('2026-03-03T04:30:00.000')] })).status).toBe('absent');
    const result = computeDay(day({ punches: [punch('2026-03-03T04:29:59.999')] }));
    expect(result.status).toBe('missing');
    expect(result.segments[1].out).toEqual(t('2026-03-03T04:29:59.999'));
    expect(result.lastOut).toEqual(t('2026-03-03T04:29:59.999'));
  });
});

describe('computeDay on the county rule', () => {
  it('is normal with four punches on time', () => {
    const result = computeDay(day({ punches: punchesOn(MONDAY, ['08:25', '12:02', '14:26', '17:33']) }));
    expect(result).toEqual({
      date: MONDAY,
      status: 'normal',
      workday: true,
      segments: [
        {
          start: t('2026-03-02T08:30:00'),
          end: t('2026-03-02T12:00:00'),
          in: t('2026-03-02T08:25:00'),
          out: t('2026-03-02T12:02:00'),
          lateMinutes: 0,
          earlyMinutes: 0,
          inMissing: false,
          outMissing: false,
        },
        {
          start: t('2026-03-02T14:30:00'),
          end: t('2026-03-02T17:30:00'),
          in: t('2026-03-02T14:26:00'),
          out: t('2026-03-02T17:33:00'),
          lateMinutes: 0,
          earlyMinutes: 0,
          inMissing: false,
          outMissing: false,
        },
      ],
      firstIn: t('2026-03-02T08:25:00'),
      lastOut: t('2026-03-02T17:33:00'),
      lateMinutes: 0,
      earlyMinutes: 0,
      missingCount: 0,
      field: false,
    });
  });

  it('splits the lunch break at its middle (13:15): out 12:01 ends the morning, in 14:20 starts the afternoon', () => {
    const result = computeDay(day({ punches: punchesOn(MONDAY, ['08:20', '12:01', '14:20', '17:35']) }));
    expect(result.status).toBe('normal');
    expect(result.segments[0].out).toEqual(t('2026-03-02T12:01:00'));
    expect(result.segments[1].in).toEqual(t('2026-03-02T14:20:00'));
  });

  it('splits the lunch break exactly at 13:15', () => {
    const before = computeDay(day({ punches: punchesOn(MONDAY, ['08:30', '13:14', '17:30']) }));
    expect(before.segments[0].out).toEqual(t('2026-03-02T13:14:00'));
    expect(before.segments[1].in).toBeNull();
    const after = computeDay(day({ punches: punchesOn(MONDAY, ['08:30', '13:16', '17:30']) }));
    expect(after.segments[0].out).toBeNull();
    expect(after.segments[1].in).toEqual(t('2026-03-02T13:16:00'));
  });

  it('is missing for someone who punches only at 08:25 and 17:35 (no lunch punches)', () => {
    const result = computeDay(day({ punches: punchesOn(MONDAY, ['08:25', '17:35']) }));
    expect(result.status).toBe('missing');
    expect(result.missingCount).toBe(2);
    expect(result.segments.map((s) => [s.inMissing, s.outMissing])).toEqual([
      [false, true],
      [true, false],
    ]);
    expect(result.firstIn).toEqual(t('2026-03-02T08:25:00'));
    expect(result.lastOut).toEqual(t('2026-03-02T17:35:00'));
  });

  it('is late 6 minutes at 08:36', () => {
    const result = computeDay(day({ punches: punchesOn(MONDAY, ['08:36', '12:00', '14:30', '17:30']) }));
    expect(result.status).toBe('late');
    expect(result.segments[0].lateMinutes).toBe(6);
    expect(result.lateMinutes).toBe(6);
  });

  it('rounds partial minutes of lateness up: 08:35:01 is 6 minutes late', () => {
    const punches = [punch('2026-03-02T08:35:01'), ...punchesOn(MONDAY, ['12:00', '14:30', '17:30'])];
    expect(computeDay(day({ punches })).lateMinutes).toBe(6);
  });

  it('is normal at 08:35, within the 5-minute grace', () => {
    const result = computeDay(day({ punches: punchesOn(MONDAY, ['08:35', '12:00', '14:30', '17:30']) }));
    expect(result.status).toBe('normal');
    expect(result.lateMinutes).toBe(0);
  });

  it('is seriously late at 09:00 (30 minutes)', () => {
    const result = computeDay(day({ punches: punchesOn(MONDAY, ['09:00', '12:00', '14:30', '17:30']) }));
    expect(result.status).toBe('serious_late');
    expect(result.lateMinutes).toBe(30);
  });

  it('adds lateness of both segments: 08:40 and 14:50 are 10 + 20 minutes', () => {
    const result = computeDay(day({ punches: punchesOn(MONDAY, ['08:40', '12:00', '14:50', '17:30']) }));
    expect(result.status).toBe('late');
    expect(result.segments.map((s) => s.lateMinutes)).toEqual([10, 20]);
    expect(result.lateMinutes).toBe(30);
  });

  it('is an early leave of 10 minutes at 17:20', () => {
    const result = computeDay(day({ punches: punchesOn(MONDAY, ['08:30', '12:00', '14:30', '17:20']) }));
    expect(result.status).toBe('early_leave');
    expect(result.segments[1].earlyMinutes).toBe(10);
    expect(result.earlyMinutes).toBe(10);
  });

  it('is normal leaving at 17:25, within the grace', () => {
    const result = computeDay(day({ punches: punchesOn(MONDAY, ['08:30', '12:00', '14:30', '17:25']) }));
    expect(result.status).toBe('normal');
    expect(result.earlyMinutes).toBe(0);
  });

  it('is absent on a workday without punches', () => {
    const result = computeDay(day({}));
    expect(result.status).toBe('absent');
    expect(result.missingCount).toBe(4);
    expect(result.firstIn).toBeNull();
    expect(result.lastOut).toBeNull();
  });

  it('is absent when every punch failed its verdict (counts=false)', () => {
    const punches = ['08:25', '12:02', '14:26', '17:33'].map((hm) => punch(`${MONDAY}T${hm}:00`, 'spot', false));
    const result = computeDay(day({ punches }));
    expect(result.status).toBe('absent');
    expect(result.segments.every((s) => s.in === null && s.out === null)).toBe(true);
  });

  it('ignores a failed punch among counting ones', () => {
    const punches = [punch('2026-03-02T08:20:00', 'in', false), ...punchesOn(MONDAY, ['08:40', '12:00', '14:30', '17:30'])];
    const result = computeDay(day({ punches }));
    expect(result.status).toBe('late');
    expect(result.segments[0].in).toEqual(t('2026-03-02T08:40:00'));
    expect(result.lateMinutes).toBe(10);
  });

  it('assigns by time, not by the in/out button pressed', () => {
    const punches = [
      punch('2026-03-02T08:28:00', 'out'),
      punch('2026-03-02T12:03:00', 'in'),
      punch('2026-03-02T14:25:00', 'out'),
      punch('2026-03-02T17:31:00', 'in'),
    ];
    const result = computeDay(day({ punches }));
    expect(result.status).toBe('normal');
    expect(result.firstIn).toEqual(t('2026-03-02T08:28:00'));
    expect(result.lastOut).toEqual(t('2026-03-02T17:31:00'));
  });

  it('is field when all punches are field check-ins on time', () => {
    const result = computeDay(day({ punches: punchesOn(MONDAY, ['08:30', '12:00', '14:30', '17:30'], 'field') }));
    expect(result.status).toBe('field');
    expect(result.field).toBe(true);
  });

  it('puts lateness before field work', () => {
    const result = computeDay(day({ punches: punchesOn(MONDAY, ['08:45', '12:00', '14:30', '17:30'], 'field') }));
    expect(result.status).toBe('late');
    expect(result.field).toBe(true);
  });

  it('is leave rather than absent when on leave without punches', () => {
    const result = computeDay(day({ onLeave: true }));
    expect(result.status).toBe('leave');
    expect(result.workday).toBe(true);
  });

  it('is rest on a Saturday without a calendar entry, with its punches still assigned', () => {
    const empty = computeDay(day({ date: SATURDAY }));
    expect(empty.status).toBe('rest');
    expect(empty.workday).toBe(false);
    const worked = computeDay(day({ date: SATURDAY, punches: punchesOn(SATURDAY, ['08:50', '11:30']) }));
    expect(worked.status).toBe('rest');
    expect(worked.segments[0].in).toEqual(t('2026-03-07T08:50:00'));
    expect(worked.segments[0].out).toEqual(t('2026-03-07T11:30:00'));
    expect(worked.lateMinutes).toBe(20);
  });

  it('is rest on a holiday that falls on a Wednesday', () => {
    const result = computeDay(day({ date: HOLIDAY_WEDNESDAY, calendar: 'holiday' }));
    expect(result.status).toBe('rest');
    expect(result.workday).toBe(false);
  });

  it('is absent on a 调休 Sunday without punches and normal with them', () => {
    const absent = computeDay(day({ date: ADJUSTED_SUNDAY, calendar: 'workday' }));
    expect(absent.status).toBe('absent');
    expect(absent.workday).toBe(true);
    const worked = computeDay(
      day({ date: ADJUSTED_SUNDAY, calendar: 'workday', punches: punchesOn(ADJUSTED_SUNDAY, ['08:29', '12:00', '14:30', '17:31']) }),
    );
    expect(worked.status).toBe('normal');
  });

  it('is normal when an approved correction fills a missing morning in', () => {
    const punches = [punch('2026-03-02T08:30:00', 'correction'), ...punchesOn(MONDAY, ['12:00', '14:30', '17:30'])];
    const result = computeDay(day({ punches }));
    expect(result.status).toBe('normal');
    expect(result.segments[0].in).toEqual(t('2026-03-02T08:30:00'));
  });

  it('lets an 08:30 correction win over a late in at 09:10, the earliest counting punch being the in', () => {
    const punches = [
      punch('2026-03-02T09:10:00', 'in'),
      punch('2026-03-02T08:30:00', 'correction'),
      ...punchesOn(MONDAY, ['12:00', '14:30', '17:30']),
    ];
    const result = computeDay(day({ punches }));
    expect(result.status).toBe('normal');
    expect(result.segments[0].in).toEqual(t('2026-03-02T08:30:00'));
    expect(result.lateMinutes).toBe(0);
  });

  it('measures serious lateness from the start even when it is below the grace', () => {
    const strict: ShiftRule = { ...county, lateGraceMinutes: 10, seriousLateMinutes: 5 };
    const withinGrace = computeDay(day({ rule: strict, punches: punchesOn(MONDAY, ['08:40', '12:00', '14:30', '17:30']) }));
    expect(withinGrace.status).toBe('normal');
    const pastGrace = computeDay(day({ rule: strict, punches: punchesOn(MONDAY, ['08:41', '12:00', '14:30', '17:30']) }));
    expect(pastGrace.status).toBe('serious_late');
    expect(pastGrace.lateMinutes).toBe(11);
  });
});

describe('computeDay on the one-span rule', () => {
  it('is missing with only an in (08:55)', () => {
    const result = computeDay(day({ rule: oneSpan, punches: punchesOn(MONDAY, ['08:55']) }));
    expect(result.status).toBe('missing');
    expect(result.missingCount).toBe(1);
    expect(result.segments[0].in).toEqual(t('2026-03-02T08:55:00'));
    expect(result.segments[0].out).toBeNull();
  });

  it('takes a lone punch inside the span as the in before its midpoint (13:00) and the out after it', () => {
    const morning = computeDay(day({ rule: oneSpan, punches: punchesOn(MONDAY, ['12:59']) }));
    expect(morning.segments[0].in).toEqual(t('2026-03-02T12:59:00'));
    expect(morning.segments[0].lateMinutes).toBe(239);
    expect(morning.segments[0].outMissing).toBe(true);
    const afternoon = computeDay(day({ rule: oneSpan, punches: punchesOn(MONDAY, ['16:50']) }));
    expect(afternoon.segments[0].inMissing).toBe(true);
    expect(afternoon.segments[0].out).toEqual(t('2026-03-02T16:50:00'));
    expect(afternoon.earlyMinutes).toBe(10);
    expect(afternoon.status).toBe('missing');
  });

  it('is normal when a correction at 09:00 fills the missing in', () => {
    const punches = [punch('2026-03-02T09:00:00', 'correction'), punch('2026-03-02T17:05:00', 'out')];
    const result = computeDay(day({ rule: oneSpan, punches }));
    expect(result.status).toBe('normal');
    expect(result.missingCount).toBe(0);
  });

  it('keeps a check-out at 00:40 the next morning on the day worked', () => {
    const punches = [punch('2026-03-02T08:58:00', 'in'), punch('2026-03-03T00:40:00', 'out')];
    const result = computeDay(day({ rule: oneSpan, punches }));
    expect(result.status).toBe('normal');
    expect(result.earlyMinutes).toBe(0);
    expect(result.firstIn).toEqual(t('2026-03-02T08:58:00'));
    expect(result.lastOut).toEqual(t('2026-03-03T00:40:00'));
    expect(result.lastOut?.toISOString()).toBe('2026-03-02T16:40:00.000Z');
  });

  it('does not count the next day’s 00:40 check-out on that next day', () => {
    const result = computeDay(day({ date: '2026-03-03', rule: oneSpan, punches: [punch('2026-03-03T00:40:00', 'out')] }));
    expect(result.status).toBe('absent');
  });
});

describe('computeDay on the night rule', () => {
  it('is normal from 19:55 to 08:05 the next day', () => {
    const punches = [punch('2026-03-02T19:55:00', 'in'), punch('2026-03-03T08:05:00', 'out')];
    const result = computeDay(day({ rule: night, punches }));
    expect(result.status).toBe('normal');
    expect(result.segments[0].start).toEqual(t('2026-03-02T20:00:00'));
    expect(result.segments[0].end).toEqual(t('2026-03-03T08:00:00'));
    expect(result.firstIn).toEqual(t('2026-03-02T19:55:00'));
    expect(result.lastOut).toEqual(t('2026-03-03T08:05:00'));
  });

  it('is an early leave of 30 minutes out at 07:30 the next day', () => {
    const punches = [punch('2026-03-02T19:55:00', 'in'), punch('2026-03-03T07:30:00', 'out')];
    const result = computeDay(day({ rule: night, punches }));
    expect(result.status).toBe('early_leave');
    expect(result.earlyMinutes).toBe(30);
  });

  it('places a second segment that starts before the first one on the next day', () => {
    const split: ShiftRule = {
      ...county,
      segments: [
        { start: '22:00', end: '02:00' },
        { start: '03:00', end: '06:00' },
      ],
    };
    const punches = [punch('2026-03-02T21:58:00'), punch('2026-03-03T02:01:00'), punch('2026-03-03T02:55:00'), punch('2026-03-03T06:02:00')];
    const result = computeDay(day({ rule: split, punches }));
    expect(result.segments.map((s) => [s.start, s.end])).toEqual([
      [t('2026-03-02T22:00:00'), t('2026-03-03T02:00:00')],
      [t('2026-03-03T03:00:00'), t('2026-03-03T06:00:00')],
    ]);
    expect(result.segments[0].out).toEqual(t('2026-03-03T02:01:00'));
    expect(result.segments[1].in).toEqual(t('2026-03-03T02:55:00'));
    expect(result.status).toBe('normal');
  });
});

describe('computeDay for a day in progress (now given)', () => {
  const at = (hm: string) => t(`${MONDAY}T${hm}:00`);

  it('is pending before the first check-in is due', () => {
    const r = computeDay(day({ date: MONDAY, rule: county, punches: [], now: at('08:00') }));
    expect(r.status).toBe('pending');
    expect(r.missingCount).toBe(0);
  });

  it('is missing, not absent, at 10:00 with no check-in yet', () => {
    const r = computeDay(day({ date: MONDAY, rule: county, punches: [], now: at('10:00') }));
    expect(r.status).toBe('missing');
    expect(r.missingCount).toBe(1);
  });

  it('is normal at 10:00 for someone in at 08:20: outs not yet due are not missing', () => {
    const r = computeDay(day({ date: MONDAY, rule: county, punches: punchesOn(MONDAY, ['08:20']), now: at('10:00') }));
    expect(r.status).toBe('normal');
    expect(r.missingCount).toBe(0);
    expect(r.segments[0].out).toBeNull();
  });

  it('judges no early leave while the segment runs: in 08:20 and a spot check at 10:30 stay an arrival', () => {
    const r = computeDay(day({ date: MONDAY, rule: county, punches: punchesOn(MONDAY, ['08:20', '10:30']), now: at('10:45') }));
    expect(r.status).toBe('normal');
    expect(r.earlyMinutes).toBe(0);
    expect(r.firstIn).toEqual(at('08:20'));
  });

  it('takes a lone punch after the segment midpoint as a late arrival while the segment runs', () => {
    const r = computeDay(day({ date: MONDAY, rule: county, punches: punchesOn(MONDAY, ['10:30']), now: at('10:40') }));
    expect(r.status).toBe('serious_late');
    expect(r.lateMinutes).toBe(120);
  });

  it('is absent once the last segment has ended with nothing', () => {
    const r = computeDay(day({ date: MONDAY, rule: county, punches: [], now: at('18:00') }));
    expect(r.status).toBe('absent');
    expect(r.missingCount).toBe(4);
  });
});
