/**
 * Finding conflicts: which page shows a conflicted field, and moving the
 * reader to the next one (unfolding what hides it) so that settling a
 * conflict never starts with a search down a long page.
 */
import type { Kind } from './bindings';
import type { PhaseNumber } from './router';

/**
 * Monitoring documents are edited on two pages: progress, trainings, risks and
 * issues on Implementation (4); measurements, evaluations and lessons on
 * Monitoring (5). The first key of the path says which.
 */
const MONITORING_PHASE_5 = ['measurements', 'evaluations', 'lessons'];

/** The phase page that shows a field of a document of `kind` at `path`. */
export function phaseOfField(kind: Kind | string, path: string): PhaseNumber {
  switch (kind) {
    case 'engagement':
      return 1;
    case 'assessment':
      return 2;
    case 'plan':
      return 3;
    default:
      return MONITORING_PHASE_5.includes(path.split('/')[0] ?? '') ? 5 : 4;
  }
}

/** How many of `paths` each phase page shows. */
export function countByPhase(kind: Kind | string, paths: string[]): Map<PhaseNumber, number> {
  const counts = new Map<PhaseNumber, number>();
  for (const p of paths) {
    const phase = phaseOfField(kind, p);
    counts.set(phase, (counts.get(phase) ?? 0) + 1);
  }
  return counts;
}

/**
 * Set by a link that leads to a conflict (a workspace card, a phase card):
 * the page it opens moves to its first conflict once the document is shown.
 */
export const seeking = { pending: false };

/**
 * Moves focus to the conflicted field after `from` in page order (the first
 * when there is none after it, or none given), unfolding closed items around
 * it. Returns the field, or null when the page shows none.
 */
export function focusNextConflict(root: ParentNode = document, from: Element | null = null): HTMLElement | null {
  const fields = [...root.querySelectorAll<HTMLElement>('.has-conflict')];
  if (fields.length === 0) return null;
  const next =
    (from &&
      fields.find((f) => f !== from && !f.contains(from) && from.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING)) ||
    fields[0];
  for (let d = next.closest('details'); d; d = d.parentElement?.closest('details') ?? null) d.open = true;
  next.scrollIntoView({ block: 'center' });
  // The first choice is where the reader acts; a read-only picker has no
  // button, so its group takes focus instead.
  const target = next.querySelector<HTMLElement>('.conflict button') ?? next.querySelector<HTMLElement>('.conflict');
  target?.focus({ preventScroll: true });
  return next;
}
