/**
 * The regional pages' pure logic (the dashboard's answer, `Dashboard`, is
 * generated from the Rust; docs/regional-api.md): the query string built from the filters, the
 * heatmap's colour scale, the budget bars per currency, and the export file
 * names.
 */
import type { Budget, By, Dashboard, Dimension, Measure } from './bindings';
import { isIsoDate, slug } from './format';
import { AREAS, BYS, MEASURES } from './vocabulary';

export type { Budget, By, Dashboard, Measure } from './bindings';
export { BYS, MEASURES } from './vocabulary';

export interface Filters {
  country: string;
  area: string;
  template: string;
  from: string;
  to: string;
  by: By;
  measure: Measure;
}

export const NO_FILTERS: Filters = {
  country: '',
  area: '',
  template: '',
  from: '',
  to: '',
  by: 'level_core_issue',
  measure: 'share_of_scale',
};

/**
 * The lengths (0 to 1) of one currency's planned and spent bars. Each currency
 * has its own scale, its larger amount filling the bar: bars of different
 * currencies side by side would compare amounts that cannot be compared.
 */
export function budgetBars(b: Budget): { planned: number; spent: number } {
  const planned = Math.max(0, b.planned);
  const spent = Math.max(0, b.spent);
  const top = Math.max(planned, spent);
  return top > 0 ? { planned: planned / top, spent: spent / top } : { planned: 0, spent: 0 };
}

/** `?country=Ghana&by=section`: only the filters that are set; `by` and `measure` only when not the default. */
export function dashboardQuery(f: Filters): string {
  const q = new URLSearchParams();
  if (f.country.trim()) q.set('country', f.country.trim());
  if (f.area) q.set('area', f.area);
  if (f.template) q.set('template', f.template);
  if (f.from) q.set('from', f.from);
  if (f.to) q.set('to', f.to);
  if (f.by !== 'level_core_issue') q.set('by', f.by);
  if (f.measure !== 'share_of_scale') q.set('measure', f.measure);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * The filters a dashboard address carries (`#/region?country=Ghana&area=…`),
 * the inverse of `dashboardQuery`: a shared or bookmarked view opens as it
 * was. Anything unknown or malformed is left at its default.
 */
export function filtersFromQuery(query: string): Filters {
  const q = new URLSearchParams(query.replace(/^\?/, ''));
  const one = <T extends string>(key: string, allowed: readonly T[], fallback: T): T => {
    const v = q.get(key);
    return v !== null && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
  };
  const date = (key: string) => {
    const v = q.get(key) ?? '';
    return isIsoDate(v) ? v : '';
  };
  return {
    country: (q.get('country') ?? '').trim().slice(0, 100),
    area: one<string>('area', AREAS, ''),
    template: (q.get('template') ?? '').slice(0, 100),
    from: date('from'),
    to: date('to'),
    by: one('by', BYS, NO_FILTERS.by),
    measure: one('measure', MEASURES, NO_FILTERS.measure),
  };
}

/** A stable key for a dimension, to build the heatmap's columns. */
export function dimensionKey(d: Dimension): string {
  switch (d.by) {
    case 'section':
      return `section:${d.section}`;
    case 'functional_capacity':
      return `fc:${d.functional_capacity}`;
    case 'level_core_issue':
      return `lci:${d.level}:${d.core_issue}`;
  }
}

export interface HeatCell {
  gap: number | null;
  assessments: number;
}

/** A heatmap row: a country, and the template when gaps are in its own points. */
export interface HeatRow {
  country: string;
  template: string | null;
}

export interface HeatGrid {
  rows: HeatRow[];
  columns: Dimension[];
  cell(row: HeatRow, column: Dimension): HeatCell | undefined;
}

const rowKey = (r: HeatRow) => `${r.country}\u0000${r.template ?? ''}`;

/** Rows (countries, then templates, sorted) × columns (dimensions, in the server's order). */
export function heatGrid(cells: Dashboard['heatmap']): HeatGrid {
  const rows = new Map<string, HeatRow>();
  const columns: Dimension[] = [];
  const seen = new Set<string>();
  const byKey = new Map<string, HeatCell>();
  for (const c of cells) {
    const row = { country: c.country, template: c.template };
    rows.set(rowKey(row), row);
    const k = dimensionKey(c.dimension);
    if (!seen.has(k)) {
      seen.add(k);
      columns.push(c.dimension);
    }
    byKey.set(`${rowKey(row)}\u0001${k}`, { gap: c.gap, assessments: c.assessments });
  }
  const sorted = [...rows.values()].sort(
    (a, b) => a.country.localeCompare(b.country) || (a.template ?? '').localeCompare(b.template ?? ''),
  );
  return { rows: sorted, columns, cell: (row, column) => byKey.get(`${rowKey(row)}\u0001${dimensionKey(column)}`) };
}

/**
 * A gap on the heatmap's colour scale, which is in points of a 1–5 scale:
 * a share of a scale's range is put on the same four-point span.
 */
export function heatPoints(gap: number | null | undefined, measure: Measure): number | null | undefined {
  return measure === 'share_of_scale' && gap !== null && gap !== undefined ? gap * 4 : gap;
}

/**
 * Eight steps of gap size, half a point apart, from none (≤ 0) to large
 * (over 3 points on the scale): five were too coarse to tell countries
 * apart. Each step has a background and a text colour that keeps a contrast
 * of at least 4.5:1 (WCAG AA), so the numbers in the cells stay readable.
 */
export const HEAT_STEPS = [
  { upTo: 0, background: '#e8f5e9', text: '#1b3d1f' },
  { upTo: 0.5, background: '#fff8d6', text: '#3d3000' },
  { upTo: 1, background: '#ffe99a', text: '#3d3000' },
  { upTo: 1.5, background: '#ffcf80', text: '#3d2000' },
  { upTo: 2, background: '#ffab5e', text: '#3d2000' },
  { upTo: 2.5, background: '#f27a45', text: '#1a0500' },
  { upTo: 3, background: '#c8402a', text: '#ffffff' },
  { upTo: Infinity, background: '#8e1a1a', text: '#ffffff' },
] as const;

export const NO_DATA_COLOUR = { background: '#f2f2f2', text: '#333333' } as const;

/** The step a gap falls in: 0 for no gap (or a negative one), 4 for the largest. */
export function heatStep(gap: number | null | undefined): number | null {
  if (gap === null || gap === undefined || !Number.isFinite(gap)) return null;
  const i = HEAT_STEPS.findIndex((s) => gap <= s.upTo);
  return i === -1 ? HEAT_STEPS.length - 1 : i;
}

export function heatColour(gap: number | null | undefined): { background: string; text: string } {
  const step = heatStep(gap);
  return step === null ? NO_DATA_COLOUR : HEAT_STEPS[step];
}

/** WCAG relative contrast of two `#rrggbb` colours, for the test of the scale. */
export function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

export type ExportFile =
  | 'assessments.csv'
  | 'assessments.xlsx'
  | 'plans.csv'
  | 'plans.xlsx'
  | 'indicators.csv'
  | 'risks.csv'
  | 'lessons.csv'
  | 'monitoring.csv'
  | 'monitoring.xlsx'
  | 'documents.json';

export const EXPORTS: readonly ExportFile[] = [
  'assessments.csv',
  'assessments.xlsx',
  'plans.csv',
  'plans.xlsx',
  'indicators.csv',
  'risks.csv',
  'lessons.csv',
  'monitoring.csv',
  'monitoring.xlsx',
  'documents.json',
];

/**
 * The export's path on the server, for one workspace or every readable one,
 * narrowed by the dashboard's filters as the dashboard is; a workbook's
 * sheets and headings in the reader's language.
 */
export function exportPath(file: ExportFile, workspace: string | null, filters: Filters = NO_FILTERS, lang = 'en'): string {
  const q = new URLSearchParams();
  if (workspace) q.set('workspace', workspace);
  if (filters.country.trim()) q.set('country', filters.country.trim());
  if (filters.area) q.set('area', filters.area);
  if (filters.template) q.set('template', filters.template);
  if (filters.from) q.set('from', filters.from);
  if (filters.to) q.set('to', filters.to);
  if (file.endsWith('.xlsx') && lang !== 'en') q.set('lang', lang);
  const query = q.toString().replace(/\+/g, '%20');
  return `/api/export/${file}${query ? `?${query}` : ''}`;
}

/** The name the saved file gets: `cd4mm-plans-ghana-border.csv`, or `cd4mm-plans-region.csv`. */
export function exportName(file: ExportFile, scope: string | null): string {
  const dot = file.indexOf('.');
  return `cd4mm-${file.slice(0, dot)}-${slug(scope ?? 'region') || 'region'}${file.slice(dot)}`;
}

/** Countries of the user's workspaces, once each, sorted; blanks left out. */
export function countriesOf(workspaces: { country: string }[]): string[] {
  const seen = new Map<string, string>();
  for (const w of workspaces) {
    const c = w.country.trim();
    if (c && !seen.has(c.toLowerCase())) seen.set(c.toLowerCase(), c);
  }
  return [...seen.values()].sort((a, b) => a.localeCompare(b));
}
