import { describe, expect, it } from 'vitest';
import {
  endOfDayMs,
  formatDate,
  formatMoney,
  formatNumber,
  formatRelative,
  tickStep,
  clip,
  formatDateLong,
  parseDayFirst,
  toDayFirst,
  formatScore,
  formatSigned,
  isIsoDate,
  parseNumber,
  today,
} from './format';

describe('numbers per locale', () => {
  it('writes thousands and decimals as each language does', () => {
    expect(formatNumber('en', 12000)).toBe('12,000');
    expect(formatNumber('fr', 12000).replace(/\s/g, ' ')).toBe('12 000');
    expect(formatScore('es', 3.25)).toBe('3,3');
    expect(formatScore('en', null)).toBe('–');
  });

  it('shows the sign of a gap or change', () => {
    expect(formatSigned('en', 2)).toBe('+2');
    expect(formatSigned('en', -0.5)).toBe('-0.5');
    expect(formatSigned('en', 0)).toBe('0');
  });

  it('formats money in the plan currency, and survives a bad code', () => {
    expect(formatMoney('en', 9500, 'USD')).toBe('$9,500');
    expect(formatMoney('en', 9500, 'dollars')).toBe('9,500');
  });
});

describe('dates', () => {
  it('accepts only real calendar days', () => {
    expect(isIsoDate('2026-02-28')).toBe(true);
    expect(isIsoDate('2026-02-30')).toBe(false);
    expect(isIsoDate('28/02/2026')).toBe(false);
  });

  it('formats a document date on its own day whatever the time zone', () => {
    expect(formatDate('en-GB', '2026-03-01')).toBe('1 Mar 2026');
    expect(formatDate('fr', '2026-03-01')).toContain('2026');
    expect(formatDate('en', null)).toBe('–');
  });

  it('takes "as it stood on a day" to the end of that day', () => {
    const end = endOfDayMs('2026-03-01')!;
    const d = new Date(end);
    expect([d.getFullYear(), d.getMonth(), d.getDate(), d.getHours()]).toEqual([2026, 2, 1, 23]);
    expect(endOfDayMs('nope')).toBeNull();
  });

  it("writes today's date as the user's calendar shows it", () => {
    expect(today(new Date(2026, 0, 5, 23, 30))).toBe('2026-01-05');
  });
});

describe('parseNumber', () => {
  it('reads what people type, including a decimal comma', () => {
    expect(parseNumber('1200')).toBe(1200);
    expect(parseNumber(' 12,5 ')).toBe(12.5);
    expect(parseNumber('')).toBeNull();
    expect(parseNumber('12 000')).toBe(12000);
    expect(Number.isNaN(parseNumber('twelve'))).toBe(true);
  });
});

describe('formatRelative', () => {
  const now = Date.UTC(2026, 11, 1, 10, 0, 0);

  it('says how long ago, in the reader language', () => {
    expect(formatRelative('en', now - 5 * 60_000, now)).toBe('5 minutes ago');
    expect(formatRelative('fr', now - 2 * 3_600_000, now)).toBe('il y a 2 heures');
    expect(formatRelative('es', now - 3 * 86_400_000, now)).toBe('hace 3 días');
  });

  it('never puts a past event in the future', () => {
    // The bar's clock ticks every few seconds; a sync just after the tick is "now", not "in 8 seconds".
    for (const locale of ['en', 'fr', 'es']) {
      const text = formatRelative(locale, now + 8_000, now);
      expect(text).toBe(formatRelative(locale, now, now));
      expect(text).not.toMatch(/\bin\b|dans|dentro/);
    }
  });
});

describe('dates typed day first', () => {
  it('read the ways people write a day, in any of the three languages', () => {
    expect(parseDayFirst('02/01/2026')).toBe('2026-01-02');
    expect(parseDayFirst('2/1/2026')).toBe('2026-01-02');
    expect(parseDayFirst('31.12.2026')).toBe('2026-12-31');
    expect(parseDayFirst(' 31-12-2026 ')).toBe('2026-12-31');
    expect(parseDayFirst('2026-12-31')).toBe('2026-12-31');
  });

  it('refuse what is no calendar day', () => {
    for (const bad of ['31/02/2026', '13/13/2026', '12/31/2026', '2026/12/31', '1/1/26', '', 'tomorrow']) {
      expect(parseDayFirst(bad), bad).toBeNull();
    }
  });

  it('show a document date as it is typed, and in words', () => {
    expect(toDayFirst('2026-01-02')).toBe('02/01/2026');
    expect(toDayFirst(null)).toBe('');
    expect(parseDayFirst(toDayFirst('2026-07-09'))).toBe('2026-07-09');
    expect(formatDateLong('en', '2026-01-02')).toMatch(/Friday.*2 January 2026|Friday, January 2, 2026/);
    expect(formatDateLong('fr', '2026-01-02')).toBe('vendredi 2 janvier 2026');
  });
});

describe('clip', () => {
  it('cuts at the end of a word', () => {
    expect(clip('Are standard operating procedures for document examination in use?', 40)).toBe('Are standard operating procedures for…');
    expect(clip('Short', 40)).toBe('Short');
    expect(clip('x'.repeat(50), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(clip('Are standard operating procedures for document examination in use?', 40).length).toBeLessThanOrEqual(40);
  });
});

describe('tickStep', () => {
  it('keeps a tick per point on small scales and about ten on large ones', () => {
    expect(tickStep(5)).toBe(1);
    expect(tickStep(10)).toBe(1);
    expect(tickStep(54)).toBe(10);
    expect(tickStep(100)).toBe(10);
    expect(tickStep(101)).toBe(20);
    expect(tickStep(240)).toBe(25);
    expect(Math.floor(1_000_000 / tickStep(1_000_000))).toBeLessThanOrEqual(10);
    expect(tickStep(NaN)).toBe(1);
  });
});
