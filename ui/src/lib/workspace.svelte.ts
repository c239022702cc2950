/**
 * The documents of the workspace in view, opened as shared `Doc`s. Functions,
 * not stored values: called inside `$derived`, they follow every change.
 */
import { app } from './app.svelte';
import type { Assessment, Engagement, Kind, Monitoring, Plan } from './bindings';
import type { Doc } from './document.svelte';
import type { Held, WorkspaceContent } from './readiness';

export function docsOfKind(kind: Kind): Doc[] {
  return app.documentsOfKind(kind).map((d) => app.docs.open(d.id));
}

/** The engagement of the workspace: one per workspace (DESIGN.md, Documents). */
export function engagementDoc(): Doc | null {
  return docsOfKind('engagement')[0] ?? null;
}

function held<T>(kind: Kind): Held<T>[] {
  return docsOfKind(kind)
    .filter((d) => d.value !== undefined)
    .map((d) => ({ id: d.id, value: d.value as unknown as T }));
}

export function workspaceContent(): WorkspaceContent {
  const e = engagementDoc();
  return {
    engagement: (e?.value as unknown as Engagement | undefined) ?? null,
    assessments: held<Assessment>('assessment'),
    plans: held<Plan>('plan'),
    monitoring: held<Monitoring>('monitoring'),
  };
}

export function titleOf(id: string): string {
  return app.documents.find((d) => d.id === id)?.title ?? id;
}

/**
 * Mark a phase "in progress" when its first piece of work is created, so the
 * overview follows the work without anyone remembering to. Only moves a phase
 * on from "not started"; a team's own choice is never overwritten.
 */
export async function startPhase(workspace: string, key: keyof Engagement['phases']): Promise<void> {
  const doc = engagementDoc();
  const engagement = doc?.value as unknown as Engagement | undefined;
  if (!doc || !engagement || engagement.phases[key] !== 'not_started') return;
  if (!app.mayWrite(workspace, 'engagement')) return;
  await doc.set(`phases/${key}`, 'in_progress');
}
