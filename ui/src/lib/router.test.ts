import { describe, expect, it } from 'vitest';
import { ADMIN_SECTIONS, href, parseRoute, type Route } from './router';

describe('hash routes', () => {
  it('read the pages of a workspace', () => {
    expect(parseRoute('#/w/ghana-border/phase/2')).toEqual({ page: 'phase', workspace: 'ghana-border', phase: 2, doc: null });
    expect(parseRoute('#/w/ghana-border/phase/3/plan')).toEqual({ page: 'phase', workspace: 'ghana-border', phase: 3, doc: 'plan' });
    expect(parseRoute('#/w/x/toolbox/undp')).toEqual({ page: 'toolbox', workspace: 'x', entry: 'undp' });
    expect(parseRoute('#/w/x/history/plan')).toEqual({ page: 'history', workspace: 'x', doc: 'plan' });
    expect(parseRoute('#/w/x/report')).toEqual({ page: 'report', workspace: 'x' });
    expect(parseRoute('#/w/x/donor-report/p1/m2')).toEqual({ page: 'donor', workspace: 'x', plan: 'p1', period: 'm2' });
    expect(parseRoute('#/w/x/donor-report')).toEqual({ page: 'donor', workspace: 'x', plan: null, period: null });
    expect(parseRoute('#/region')).toEqual({ page: 'region' });
  });

  it('read the sections of the Administration page, users first', () => {
    expect(parseRoute('#/admin')).toEqual({ page: 'admin', section: 'users' });
    expect(parseRoute('#/admin/devices')).toEqual({ page: 'admin', section: 'devices' });
    expect(parseRoute('#/admin/audit')).toEqual({ page: 'admin', section: 'audit' });
    expect(parseRoute('#/admin/elsewhere')).toEqual({ page: 'admin', section: 'users' });
    expect(href({ page: 'admin', section: 'users' })).toBe('#/admin');
    expect(href({ page: 'admin', section: 'coverage' })).toBe('#/admin/coverage');
  });

  it('fall back to something sensible for nonsense', () => {
    expect(parseRoute('')).toEqual({ page: 'home' });
    expect(parseRoute('#/w/x/phase/9')).toEqual({ page: 'overview', workspace: 'x' });
    expect(parseRoute('#/elsewhere')).toEqual({ page: 'home' });
  });

  it('round-trip, including ids that need escaping', () => {
    const routes: Route[] = [
      { page: 'home' },
      { page: 'overview', workspace: 'a b' },
      { page: 'phase', workspace: 'w', phase: 5, doc: 'm/1' },
      { page: 'toolbox', workspace: 'w', entry: null },
      { page: 'history', workspace: 'w', doc: 'plan' },
      { page: 'region' },
      { page: 'report', workspace: 'a/b' },
      { page: 'donor', workspace: 'a/b', plan: 'p 1', period: null },
      { page: 'donor', workspace: 'a', plan: 'p', period: 'q/r' },
      ...ADMIN_SECTIONS.map((section): Route => ({ page: 'admin', section })),
    ];
    for (const r of routes) expect(parseRoute(href(r))).toEqual(r);
  });
  it('leaves a page query out of the route', () => {
    expect(parseRoute('#/region?country=Ghana&area=labour_migration')).toEqual({ page: 'region' });
    expect(parseRoute('#/w/ghana-border/phase/2?x=1')).toEqual({ page: 'phase', workspace: 'ghana-border', phase: 2, doc: null });
  });
});
