/**
 * The documents of the workspace in view, opened as shared `Doc`s. Functions,
 * not stored values: called inside `$derived`, they follow every change.
 */
import { app } from './app.svelte';
import type { Engagement, JsonValue, Kind } from './bindings';
import type { ContentOf } from './content';
import type { Doc } from './document.svelte';
import { errorText } from './errors';
import type { Held, WorkspaceContent } from './readiness';
import { href, type PhaseNumber } from './router';

export function docsOfKind(kind: Kind): Doc[] {
  return app.documentsOfKind(kind).map((d) => app.docs.open(d.id));
}

/** The monitoring documents (reporting periods) that follow a plan. */
export function periodsOf(planId: string): string[] {
  return docsOfKind('monitoring')
    .filter((m) => m.content('monitoring')?.plan_id === planId)
    .map((m) => m.id);
}

/** The engagement of the workspace: one per workspace (DESIGN.md, Documents). */
export function engagementDoc(): Doc | null {
  return docsOfKind('engagement')[0] ?? null;
}

/** The loaded documents of one kind, with their content. */
export function held<K extends Kind>(kind: K): Held<ContentOf<K>>[] {
  return docsOfKind(kind).flatMap((d) => {
    const value = d.content(kind);
    return value ? [{ id: d.id, value }] : [];
  });
}

export function workspaceContent(): WorkspaceContent {
  const e = engagementDoc();
  return {
    engagement: e?.content('engagement') ?? null,
    assessments: held('assessment'),
    plans: held('plan'),
    monitoring: held('monitoring'),
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
  const engagement = doc?.content('engagement');
  if (!doc || !engagement || engagement.phases[key] !== 'not_started') return;
  if (!app.mayWrite(workspace, 'engagement')) return;
  await doc.set(`phases/${key}`, 'in_progress');
}

/** A piece of work a phase page starts: a new document and where it belongs. */
export interface NewWork {
  kind: Kind;
  title: string;
  template?: string;
  /** A re-assessment: the assessment whose instrument it runs again. */
  baseline?: string;
  /** Set on the new document, path by path, before it is opened. */
  fields?: Record<string, JsonValue>;
  /** The phase the work moves on from "not started" (see `startPhase`). */
  phase: keyof Engagement['phases'];
  /** The phase screen that opens the new document. */
  screen: PhaseNumber;
}

/**
 * Start a piece of work: create its document, fill in what it starts with,
 * list it, mark its phase started and open it on its screen. Returns what
 * the form should show when that failed, or null when the work was started.
 */
export async function startWork(workspace: string, work: NewWork): Promise<string | null> {
  try {
    const id = await app.api.create(workspace, work.kind, work.title, work.template ?? null, work.baseline ?? null);
    if (work.fields) {
      const doc = app.docs.open(id);
      for (const [path, value] of Object.entries(work.fields)) await doc.set(path, value);
    }
    await app.loadDocuments(workspace);
    await startPhase(workspace, work.phase);
    location.hash = href({ page: 'phase', workspace, phase: work.screen, doc: id });
    return null;
  } catch (e) {
    return errorText(e);
  }
}
