/**
 * Typed calls of the command API: each helper sends one `Command` and returns
 * the data of the reply it expects, so screens never unpack replies by hand.
 */
import type {
  AssessmentSummary,
  Command,
  Design,
  DocumentSummary,
  Edit,
  HistoryEntry,
  Kind,
  MonitoringSummary,
  NotAccepted,
  PhaseStates,
  RoundWords,
  PlanSummary,
  RankedArea,
  Reply,
  SearchHit,
  Snapshot,
  Template,
  WorkspaceInfo,
} from './bindings';
import { CommandError } from './errors';
import type { Transport } from './transport';

type ReplyData<K extends Reply['reply']> = Extract<Reply, { reply: K }>['data'];

export class Api {
  constructor(readonly transport: Transport) {}

  private async ask<K extends Reply['reply']>(command: Command, kind: K): Promise<ReplyData<K>> {
    const reply = await this.transport.call(command);
    if (reply.reply !== kind) {
      throw new CommandError('unexpected', `expected a ${kind} reply, got ${reply.reply}`);
    }
    return reply.data as ReplyData<K>;
  }

  documents(workspace: string | null): Promise<DocumentSummary[]> {
    return this.ask({ command: 'list_documents', workspace }, 'documents');
  }

  read(id: string): Promise<Snapshot> {
    return this.ask({ command: 'read_document', id }, 'document');
  }

  /**
   * A document, and when it was read if the answer is the copy kept on this
   * device because the server cannot be reached (null: read just now).
   */
  async readKept(id: string): Promise<{ snapshot: Snapshot; asOf: number | null }> {
    const { reply, asOf } = await this.transport.callKept({ command: 'read_document', id });
    if (reply.reply !== 'document') throw new CommandError('unexpected', `expected a document reply, got ${reply.reply}`);
    return { snapshot: reply.data, asOf };
  }

  readAt(id: string, atMs: number): Promise<Snapshot> {
    return this.ask({ command: 'read_document_at', id, at_ms: atMs }, 'document');
  }

  async create(
    workspace: string,
    kind: Kind,
    title: string,
    template: string | null = null,
    baseline: string | null = null,
  ): Promise<string> {
    const id = newId();
    const created = await this.ask({ command: 'create_document', id, workspace, kind, title, template, baseline }, 'created');
    return created.id;
  }

  /** One edit, made on the reading whose heads are `madeOn` (so it merges with what others wrote since). */
  edit(id: string, edit: Edit, madeOn: string[] = []): Promise<Snapshot> {
    const command: Command =
      madeOn.length > 0 ? { command: 'edit_document', id, edit, made_on: madeOn } : { command: 'edit_document', id, edit };
    return this.ask(command, 'document');
  }

  /** Record a re-assessment's results as measurements of the plan's gap-derived indicators. */
  recordReassessment(id: string, monitoring: string, on: string): Promise<Snapshot> {
    return this.ask({ command: 'record_reassessment', id, monitoring, on }, 'document');
  }

  /** The engagement's capacity areas ranked by the prioritisation's weighted scores. */
  rankCapacityAreas(id: string): Promise<RankedArea[]> {
    return this.ask({ command: 'rank_capacity_areas', id }, 'ranked_areas');
  }

  /** Shape the assessment's questions before rating (the design step). */
  designAssessment(id: string, design: Design): Promise<Snapshot> {
    return this.ask({ command: 'design_assessment', id, design }, 'document');
  }

  /** Record the partner's validation of the assessment's current ratings. */
  validateAssessment(id: string, by: string, on: string, meeting: string): Promise<Snapshot> {
    return this.ask({ command: 'validate_assessment', id, by, on, meeting }, 'document');
  }

  search(query: string, limit = 50): Promise<SearchHit[]> {
    return this.ask({ command: 'search', query, limit }, 'search_hits');
  }

  templates(): Promise<Template[]> {
    return this.ask({ command: 'templates' }, 'templates');
  }

  assessmentSummary(id: string): Promise<AssessmentSummary> {
    return this.ask({ command: 'assessment_summary', id }, 'assessment');
  }

  planSummary(id: string, monitoring: string[]): Promise<PlanSummary> {
    return this.ask({ command: 'plan_summary', id, monitoring }, 'plan');
  }

  /**
   * Start the next round in `workspace` from the round in `from`: a new
   * engagement with its stakeholders, open gaps and lessons.
   */
  async startNextRound(workspace: string, from: string, title: string, on: string, words: RoundWords): Promise<string> {
    const id = newId();
    const created = await this.ask({ command: 'start_next_round', id, workspace, from, title, on, words }, 'created');
    return created.id;
  }

  /** The five phases of a workspace, as marked and as its documents show. */
  phases(workspace: string): Promise<PhaseStates> {
    return this.ask({ command: 'phases', workspace }, 'phases');
  }

  monitoringSummary(id: string): Promise<MonitoringSummary> {
    return this.ask({ command: 'monitoring_summary', id }, 'monitoring');
  }

  workspaces(): Promise<WorkspaceInfo[]> {
    return this.ask({ command: 'workspaces' }, 'workspaces');
  }

  history(id: string): Promise<HistoryEntry[]> {
    return this.ask({ command: 'history', id }, 'history');
  }

  /** Documents with edits of this device the server did not accept. */
  notAccepted(): Promise<NotAccepted[]> {
    return this.ask({ command: 'not_accepted' }, 'not_accepted');
  }

  /** Give up this device's version of a document; the server's comes back. */
  discardNotAccepted(id: string): Promise<NotAccepted[]> {
    return this.ask({ command: 'discard_not_accepted', id }, 'not_accepted');
  }
}

/** A new id for a document or list item: unique without asking anyone, so it works offline. */
export function newId(): string {
  // randomUUID needs a secure context; a server reached over plain HTTP on the
  // LAN is not one, so fall back to 128 random bits, as good for our purpose.
  if (typeof crypto.randomUUID === 'function' && globalThis.isSecureContext !== false) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}
