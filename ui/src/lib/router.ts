/**
 * Hash routes (`#/w/ghana-border/phase/2`): they work from the server and in
 * Tauri alike, with no server-side routes.
 */
export type Route =
  | { page: 'home' }
  | { page: 'region' }
  | { page: 'admin'; section: AdminSection }
  | { page: 'report'; workspace: string }
  | { page: 'donor'; workspace: string; plan: string | null; period: string | null }
  | { page: 'overview'; workspace: string }
  | { page: 'phase'; workspace: string; phase: PhaseNumber; doc: string | null }
  | { page: 'toolbox'; workspace: string; entry: string | null }
  | { page: 'history'; workspace: string; doc: string };

export type PhaseNumber = 1 | 2 | 3 | 4 | 5;

/** The parts of the Administration page, each at its own address (`#/admin/devices`). */
export const ADMIN_SECTIONS = ['users', 'workspaces', 'coverage', 'devices', 'audit'] as const;
export type AdminSection = (typeof ADMIN_SECTIONS)[number];

function isAdminSection(s: string | undefined): s is AdminSection {
  return (ADMIN_SECTIONS as readonly string[]).includes(s ?? '');
}

export function isPhase(n: number): n is PhaseNumber {
  return n === 1 || n === 2 || n === 3 || n === 4 || n === 5;
}

export function parseRoute(hash: string): Route {
  // A query after the path (`#/region?country=Ghana`) belongs to the page, not the route.
  const parts = hash
    .split('?')[0]
    .replace(/^#\/?/, '')
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  if (parts[0] === 'region' && parts.length === 1) return { page: 'region' };
  if (parts[0] === 'admin') return { page: 'admin', section: isAdminSection(parts[1]) ? parts[1] : 'users' };
  if (parts[0] !== 'w' || !parts[1]) return { page: 'home' };
  const workspace = parts[1];
  switch (parts[2]) {
    case undefined:
      return { page: 'overview', workspace };
    case 'phase': {
      const n = Number(parts[3]);
      if (!isPhase(n)) return { page: 'overview', workspace };
      return { page: 'phase', workspace, phase: n, doc: parts[4] ?? null };
    }
    case 'toolbox':
      return { page: 'toolbox', workspace, entry: parts[3] ?? null };
    case 'report':
      return { page: 'report', workspace };
    case 'donor-report':
      return { page: 'donor', workspace, plan: parts[3] ?? null, period: parts[4] ?? null };
    case 'history':
      return parts[3] ? { page: 'history', workspace, doc: parts[3] } : { page: 'overview', workspace };
    default:
      return { page: 'overview', workspace };
  }
}

export function href(route: Route): string {
  const e = encodeURIComponent;
  switch (route.page) {
    case 'home':
      return '#/';
    case 'region':
      return '#/region';
    case 'admin':
      return route.section === 'users' ? '#/admin' : `#/admin/${route.section}`;
    case 'report':
      return `#/w/${e(route.workspace)}/report`;
    case 'donor':
      return `#/w/${e(route.workspace)}/donor-report${route.plan ? `/${e(route.plan)}${route.period ? `/${e(route.period)}` : ''}` : ''}`;
    case 'overview':
      return `#/w/${e(route.workspace)}`;
    case 'phase':
      return `#/w/${e(route.workspace)}/phase/${route.phase}${route.doc ? `/${e(route.doc)}` : ''}`;
    case 'toolbox':
      return `#/w/${e(route.workspace)}/toolbox${route.entry ? `/${e(route.entry)}` : ''}`;
    case 'history':
      return `#/w/${e(route.workspace)}/history/${e(route.doc)}`;
  }
}
