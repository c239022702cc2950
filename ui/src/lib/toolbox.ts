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

