import { afterQuietHours, parseQuietHours } from './quiet-hours';

const china = (iso: string) => new Date(`${iso}+08:00`);

describe('quiet hours', () => {
  const q = parseQuietHours('22:00-07:00');

  it('postpones a step due at night to 07:00 local, across midnight', () => {
    expect(afterQuietHours(china('2026-11-23T23:30:00'), q)).toEqual(china('2026-11-24T07:00:00'));
    expect(afterQuietHours(china('2026-11-24T02:10:00'), q)).toEqual(china('2026-11-24T07:00:00'));
    expect(afterQuietHours(china('2026-11-23T22:00:00'), q)).toEqual(china('2026-11-24T07:00:00'));
  });

  it('leaves a daytime step alone, and the window’s end is outside it', () => {
    expect(afterQuietHours(china('2026-11-23T07:00:00'), q)).toEqual(china('2026-11-23T07:00:00'));
    expect(afterQuietHours(china('2026-11-23T15:45:00'), q)).toEqual(china('2026-11-23T15:45:00'));
  });

  it('handles a window inside one day, and none', () => {
    const lunch = parseQuietHours('12:00-14:30');
    expect(afterQuietHours(china('2026-11-23T13:00:00'), lunch)).toEqual(china('2026-11-23T14:30:00'));
    expect(afterQuietHours(china('2026-11-23T23:00:00'), parseQuietHours('off'))).toEqual(china('2026-11-23T23:00:00'));
    expect(() => parseQuietHours('10pm-7am')).toThrow(/22:00-07:00/);
  });
});
