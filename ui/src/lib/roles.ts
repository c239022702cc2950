/**
 * What a workspace role may change, as the server enforces it: the table is
 * generated from the Rust `Role` (`ROLE_WRITES` in bindings.ts), and the UI
 * only uses it to avoid offering edits that would be refused; the command
 * API and the server stay the judges. Every screen asks here (through
 * `app.mayWrite`) before it shows a field, a button or a form that changes
 * something.
 */
import { ROLE_PARTS, ROLE_WRITES, type Kind, type Role } from './bindings';

export type { Role };

function isRole(role: string): role is Role {
  return Object.hasOwn(ROLE_WRITES, role);
}

export function mayWrite(role: string | null | undefined, kind: Kind, admin = false): boolean {
  // The toolbox ships with the app: no screen edits it, not even an administrator's.
  if (kind === 'toolbox') return false;
  if (admin) return true;
  // No role (or one this version does not know) reads only, as a viewer does.
  return role != null && isRole(role) && ROLE_WRITES[role].includes(kind);
}

/**
 * Whether the role may change what lies at `path` (`responses/q1/existing`,
 * `scope/why`) in a document of `kind`: a counterpart rates an assessment and
 * scopes an engagement, but does not redesign them (`Role::may_change`).
 */
export function mayChange(role: string | null | undefined, kind: Kind, path: string, admin = false): boolean {
  if (!mayWrite(role, kind, admin)) return false;
  if (admin || role == null || !isRole(role)) return admin;
  const parts = ROLE_PARTS[role][kind];
  return parts === undefined || parts.includes(path.split('/')[0]);
}
