/** Reading the toolbox: filters, and which assessment template a tool starts. */
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

/**
 * Toolbox entries that have an assessment template of their own. The data
 * files do not link them yet; when they do, this table goes.
 */
export const TEMPLATE_OF_ENTRY: Record<string, string> = {
  'migration-border-management-assessment': 'border_management',
  'undp-capacity-assessment': 'generic_capacity',
  'migration-governance-indicators': 'migration_governance',
  'kirkpatrick-training-evaluation': 'training_evaluation',
};
