/**
 * What a workspace role may change, as the server enforces it (DESIGN.md,
 * Security): the UI only uses this to avoid offering edits that would be
 * refused; the server stays the judge. Every screen asks here (through
 * `app.mayWrite`) before it shows a field, a button or a form that changes
 * something, so a new role needs one line, not a change in every screen.
 */
import type { Kind } from './bindings';

export type Role = 'owner' | 'editor' | 'counterpart' | 'viewer';

export function mayWrite(role: string | null | undefined, kind: Kind, admin = false): boolean {
  if (kind === 'toolbox') return false;
  if (admin) return true;
  switch (role) {
    case 'owner':
    case 'editor':
      return true;
    case 'counterpart':
      return kind === 'plan' || kind === 'monitoring';
    // A viewer reads, as does a regional officer, who is made a viewer of
    // every workspace in the countries their role covers.
    case 'viewer':
    default:
      return false;
  }
}
