/**
 * Numbers and dates as the reader's language writes them (Intl), and the
 * `YYYY-MM-DD` dates of documents. Document dates are calendar days with no
 * time zone: they are read and written as UTC so that a date never shifts by
 * one day on a laptop west of Greenwich.
 */

export function formatNumber(locale: string, value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(value);
}

/** A score or average on an assessment scale: one decimal at most. */
export function formatScore(locale: string, value: number | null | undefined): string {
  return formatNumber(locale, value, 1);
}

/** A gap or a change, with its sign so that a drop is never mistaken for a rise. */
export function formatSigned(locale: string, value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits, signDisplay: 'exceptZero' }).format(value);
}

export function formatPercent(locale: string, fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '–';
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(fraction);
}

export function formatMoney(locale: string, amount: number | null | undefined, currency: string): string {
  if (amount === null || amount === undefined || !Number.isFinite(amount)) return '–';
  const code = /^[A-Z]{3}$/.test(currency) ? currency : null;
  if (!code) return formatNumber(locale, amount, 2);
  return new Intl.NumberFormat(locale, { style: 'currency', currency: code, maximumFractionDigits: 0 }).format(amount);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `text` is a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

export function formatDate(locale: string, iso: string | null | undefined): string {
  if (!iso || !isIsoDate(iso)) return '–';
  const [y, m, d] = iso.split('-').map(Number);
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
}

/**
 * A date as people type it in the app's three languages, day first
 * (31/12/2026, 31.12.2026, 31-12-2026; one-digit day and month too), or as
 * documents keep it (2026-12-31). The document date, or null when it is no
 * calendar day. Day first in every language: the browser's own date input
 * follows the computer's settings, and 02/01 is not the same day in Accra
 * and in the United States.
 */
export function parseDayFirst(text: string): string | null {
  const raw = text.trim();
  if (isIsoDate(raw)) return raw;
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(raw);
  if (!m) return null;
  const iso = `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}`;
  return isIsoDate(iso) ? iso : null;
}

/** A document date as it is typed: `31/12/2026`. */
export function toDayFirst(iso: string | null | undefined): string {
  if (!iso || !isIsoDate(iso)) return '';
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

/** A document date in words, to confirm what was typed: "Thursday 31 December 2026". */
export function formatDateLong(locale: string, iso: string | null | undefined): string {
  if (!iso || !isIsoDate(iso)) return '';
  const [y, m, d] = iso.split('-').map(Number);
  return new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
}

export function formatDateTime(locale: string, ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(ms));
}

/**
 * A past moment relative to `now` ("5 minutes ago"). Never in the future: a
 * moment a little ahead of `now` (a clock that ticks every few seconds, a
 * server clock slightly ahead) reads as now.
 */
export function formatRelative(locale: string, ms: number, now: number): string {
  const seconds = Math.min(0, Math.round((ms - now) / 1000));
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return rtf.format(seconds, 'second');
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), 'hour');
  return rtf.format(Math.round(seconds / 86400), 'day');
}

/** Today as a document date, in the user's own calendar day. */
export function today(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * The end of a chosen calendar day in local time, as epoch milliseconds: "the
 * plan as it stood on 3 March" includes every change made on 3 March.
 */
export function endOfDayMs(iso: string): number | null {
  if (!isIsoDate(iso)) return null;
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(y, m - 1, d, 23, 59, 59, 999).getTime();
}

/** Parse what a person typed in a number field; null for empty, NaN for nonsense. */
export function parseNumber(text: string): number | null {
  const trimmed = text.trim().replace(/\s/g, '');
  if (trimmed === '') return null;
  // Accept a decimal comma, as French and Spanish keyboards type it.
  const normal = /^-?\d+,\d+$/.test(trimmed) ? trimmed.replace(',', '.') : trimmed;
  return /^-?(\d+\.?\d*|\.\d+)$/.test(normal) ? Number(normal) : Number.NaN;
}

/** A name as a plain identifier: `Côte d’Ivoire` → `cote-d-ivoire` (workspace ids, file names). */
export function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** `text` cut to at most `max` characters at a word's end, with "…" when cut. */
export function clip(text: string, max: number): string {
  const s = text.trim().replace(/\s+/g, ' ');
  if (s.length <= max) return s;
  const cut = s.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, '')}…`;
}

/** A round step between chart ticks so that at most about ten are drawn up to `max`. */
export function tickStep(max: number): number {
  if (!Number.isFinite(max) || max <= 10) return 1;
  const raw = max / 10;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  return step;
}
