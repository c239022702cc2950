/**
 * What a workspace role may change, as the server enforces it (DESIGN.md,
 * Security): the UI only uses this to avoid offering edits that would be
 * refused; the server stays the judge.
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
    default:
      return false;
  }
}
