/**
 * A document's content, typed by its kind. The command API sends content as
 * JSON (`Snapshot.value`); its shape is the Rust type of the snapshot's
 * `kind`, so the kind is checked here, once, instead of each screen casting
 * the JSON to the type it expects.
 */
import type { Assessment, Engagement, Kind, Monitoring, Plan, Snapshot, Toolbox } from './bindings';

/**
 * The content type of each kind. Indexing it by `Kind` (below) makes a new
 * kind in the Rust a type error here until it is given its content type.
 */
interface ContentByKind {
  engagement: Engagement;
  assessment: Assessment;
  plan: Plan;
  monitoring: Monitoring;
  toolbox: Toolbox;
}

export type ContentOf<K extends Kind> = ContentByKind[K];

/**
 * The content of `snapshot` as a document of `kind`, or null when there is
 * no snapshot yet or it is a document of another kind.
 *
 * Null rather than an error: the ids screens open come from the address bar
 * and from references inside other documents, so a wrong kind is something
 * the data can say, not only a bug; every caller already shows "nothing
 * here" for a document that has not loaded, and a throw inside a `$derived`
 * would take the whole page down.
 */
export function contentOf<K extends Kind>(snapshot: Snapshot | null | undefined, kind: K): ContentOf<K> | null {
  if (!snapshot || snapshot.kind !== kind) return null;
  // The server writes `value` from the Rust type of `kind` (bindings.rs).
  return snapshot.value as ContentOf<K>;
}
