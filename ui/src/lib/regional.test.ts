import { describe, expect, it } from 'vitest';
import {
  filtersFromQuery,
  HEAT_STEPS,
  NO_DATA_COLOUR,
  NO_FILTERS,
  budgetBars,
  contrast,
  countriesOf,
  dashboardQuery,
  exportName,
  exportPath,
  heatColour,
  heatGrid,
  heatPoints,
  heatStep,
} from './regional';

describe('dashboardQuery', () => {
  it('is empty with no filters', () => {
    expect(dashboardQuery(NO_FILTERS)).toBe('');
  });
  it('sends only the filters that are set, and by when not the default', () => {
    expect(dashboardQuery({ ...NO_FILTERS, country: ' Côte d’Ivoire ', by: 'section', from: '2025-01-01' })).toBe(
      '?country=C%C3%B4te+d%E2%80%99Ivoire&from=2025-01-01&by=section',
    );
    expect(
      dashboardQuery({ country: 'Ghana', area: 'border_management', template: 'generic_capacity', from: '', to: '2026-12-31', by: 'level_core_issue', measure: 'share_of_scale' }),
    ).toBe('?country=Ghana&area=border_management&template=generic_capacity&to=2026-12-31');
  });
  it('asks for scale points only when chosen', () => {
    expect(dashboardQuery({ ...NO_FILTERS, measure: 'scale_points' })).toBe('?measure=scale_points');
  });
});

describe('filtersFromQuery', () => {
  it('reads back what dashboardQuery writes', () => {
    const f = { ...NO_FILTERS, country: 'Ghana', area: 'labour_migration', from: '2026-01-01', measure: 'scale_points' as const };
    expect(filtersFromQuery(dashboardQuery(f))).toEqual(f);
    expect(filtersFromQuery('')).toEqual(NO_FILTERS);
  });

  it('leaves what it does not know at its default', () => {
    const f = filtersFromQuery('?area=<script>&by=drop_table&measure=x&from=01/02/2026&country=' + 'x'.repeat(500));
    expect(f.area).toBe('');
    expect(f.by).toBe(NO_FILTERS.by);
    expect(f.measure).toBe(NO_FILTERS.measure);
    expect(f.from).toBe('');
    expect(f.country.length).toBe(100);
  });
});

describe('heat scale', () => {
  it('puts gaps in eight steps, half a point apart', () => {
    expect(heatStep(-1)).toBe(0);
    expect(heatStep(0)).toBe(0);
    expect(heatStep(0.01)).toBe(1);
    expect(heatStep(0.5)).toBe(1);
    expect(heatStep(1)).toBe(2);
    expect(heatStep(1.01)).toBe(3);
    expect(heatStep(2.9)).toBe(6);
    expect(heatStep(3)).toBe(6);
    expect(heatStep(3.5)).toBe(7);
    expect(heatStep(100)).toBe(7);
  });
  it('has no step for missing data', () => {
    expect(heatStep(null)).toBeNull();
    expect(heatStep(undefined)).toBeNull();
    expect(heatStep(NaN)).toBeNull();
    expect(heatColour(null)).toEqual(NO_DATA_COLOUR);
  });
  it('keeps the numbers readable on every step (WCAG AA, 4.5:1)', () => {
    for (const s of [...HEAT_STEPS, NO_DATA_COLOUR]) expect(contrast(s.background, s.text)).toBeGreaterThanOrEqual(4.5);
  });
  it('computes contrast as WCAG does', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#777777')).toBeCloseTo(1, 5);
  });
});

describe('heatGrid', () => {
  const ghana = { country: 'Ghana', template: null };
  const senegal = { country: 'Senegal', template: null };
  it('makes rows of countries and columns of dimensions', () => {
    const g = heatGrid([
      { country: 'Senegal', template: null, dimension: { by: 'section', section: 'ops' }, gap: 1, assessments: 1 },
      { country: 'Ghana', template: null, dimension: { by: 'section', section: 'admin' }, gap: 2, assessments: 2 },
      { country: 'Ghana', template: null, dimension: { by: 'section', section: 'ops' }, gap: 3, assessments: 1 },
    ]);
    expect(g.rows).toEqual([ghana, senegal]);
    expect(g.columns).toEqual([
      { by: 'section', section: 'ops' },
      { by: 'section', section: 'admin' },
    ]);
    expect(g.cell(ghana, { by: 'section', section: 'ops' })).toEqual({ gap: 3, assessments: 1 });
    expect(g.cell(senegal, { by: 'section', section: 'admin' })).toBeUndefined();
  });
  it('keeps one row per template when gaps are in points', () => {
    const ops = { by: 'section', section: 'ops' } as const;
    const g = heatGrid([
      { country: 'Ghana', template: 'generic_capacity', dimension: ops, gap: 1, assessments: 1 },
      { country: 'Ghana', template: 'border_management', dimension: ops, gap: 2, assessments: 1 },
    ]);
    expect(g.rows.map((r) => r.template)).toEqual(['border_management', 'generic_capacity']);
    expect(g.cell({ country: 'Ghana', template: 'generic_capacity' }, ops)?.gap).toBe(1);
  });
  it('puts shares of a scale on the points colour scale', () => {
    expect(heatPoints(0.5, 'share_of_scale')).toBe(2);
    expect(heatPoints(0.5, 'scale_points')).toBe(0.5);
    expect(heatPoints(null, 'share_of_scale')).toBeNull();
  });
});

describe('exports', () => {
  it('asks for one workspace or all', () => {
    expect(exportPath('plans.csv', null)).toBe('/api/export/plans.csv');
    expect(exportPath('plans.xlsx', 'ghana border')).toBe('/api/export/plans.xlsx?workspace=ghana%20border');
  });
  it('carries the dashboard filters, and the language of a workbook', () => {
    const f = { ...NO_FILTERS, country: 'Senegal', area: 'labour_migration', template: 'generic_capacity', to: '2026-12-31' };
    expect(exportPath('assessments.xlsx', null, f, 'fr')).toBe(
      '/api/export/assessments.xlsx?country=Senegal&area=labour_migration&template=generic_capacity&to=2026-12-31&lang=fr',
    );
    expect(exportPath('risks.csv', null, f, 'fr')).not.toContain('lang');
  });
  it('names the saved file', () => {
    expect(exportName('assessments.csv', null)).toBe('cd4mm-assessments-region.csv');
    expect(exportName('documents.json', 'Côte d’Ivoire')).toBe('cd4mm-documents-cote-d-ivoire.json');
    expect(exportName('monitoring.xlsx', 'ghana-border')).toBe('cd4mm-monitoring-ghana-border.xlsx');
  });
});

describe('countriesOf', () => {
  it('lists each country once, sorted', () => {
    expect(countriesOf([{ country: 'Ghana' }, { country: 'senegal' }, { country: 'ghana' }, { country: ' ' }, { country: 'Benin' }])).toEqual([
      'Benin',
      'Ghana',
      'senegal',
    ]);
  });
});

describe('budgetBars', () => {
  it('scales each currency on its own: the larger amount fills the bar', () => {
    expect(budgetBars({ currency: 'USD', plans: 1, planned: 26_000, spent: 13_000 })).toEqual({ planned: 1, spent: 0.5 });
    // A small budget in another currency still fills its own bar.
    expect(budgetBars({ currency: 'XOF', plans: 2, planned: 100, spent: 100 })).toEqual({ planned: 1, spent: 1 });
  });
  it('lets spending past the plan fill the bar, with the planned bar shorter', () => {
    expect(budgetBars({ currency: 'GHS', plans: 1, planned: 300, spent: 400 })).toEqual({ planned: 0.75, spent: 1 });
  });
  it('draws no bars for nothing planned or spent, and never a negative one', () => {
    expect(budgetBars({ currency: '', plans: 1, planned: 0, spent: 0 })).toEqual({ planned: 0, spent: 0 });
    expect(budgetBars({ currency: 'EUR', plans: 1, planned: -5, spent: 10 })).toEqual({ planned: 0, spent: 1 });
  });
});
