/** Reading the toolbox: its filters. */
import type { Area, Entry, Level } from './bindings';

export interface ToolboxFilter {
  phase: number | null;
  level: Level | null;
  area: Area | null;
  /** Entry ids that the full-text search found; null when not searching. */
  hits: Set<string> | null;
}

export function filterEntries(entries: Entry[], f: ToolboxFilter): Entry[] {
  return entries.filter(
    (e) =>
      (f.phase === null || e.phases.includes(f.phase)) &&
      (f.level === null || e.levels.includes(f.level)) &&
      (f.area === null || e.areas.includes(f.area)) &&
      (f.hits === null || f.hits.has(e.id)),
  );
}


/** The toolbox's search and filters as they are typed in the address (`#/w/ws/toolbox?q=…&phase=2`). */
export interface ToolboxQuery {
  q: string;
  phase: string;
  level: string;
  area: string;
}

/**
 * Reads the toolbox's filters from an address's query, keeping only values
 * it knows (a phase 1–5, a level and an area of the vocabularies, a search
 * of at most 200 characters), so a shared link opens the same list.
 */
export function toolboxQuery(query: string, levels: readonly string[], areas: readonly string[]): ToolboxQuery {
  const p = new URLSearchParams(query.replace(/^\?/, ''));
  const phase = p.get('phase') ?? '';
  const level = p.get('level') ?? '';
  const area = p.get('area') ?? '';
  return {
    q: (p.get('q') ?? '').slice(0, 200),
    phase: /^[1-5]$/.test(phase) ? phase : '',
    level: levels.includes(level) ? level : '',
    area: areas.includes(area) ? area : '',
  };
}

/** The address's query for these filters ('' when none is set). */
export function toolboxSearch(f: ToolboxQuery): string {
  const p = new URLSearchParams();
  for (const [key, value] of Object.entries(f)) if (value.trim()) p.set(key, value.trim());
  const s = p.toString();
  return s ? `?${s}` : '';
}
