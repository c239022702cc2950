import { describe, expect, it } from 'vitest';
import {
  endOfDayMs,
  formatDate,
  formatMoney,
  formatNumber,
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
