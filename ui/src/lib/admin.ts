/**
 * What the Administration page and "My devices" need beside their screens:
 * the server's account API, typed (`/api/admin/…` for administrators,
 * `/api/devices…` for everyone); the list of countries in the reader's
 * language; and the words of the audit log. The rules themselves (who may do
 * what, which country a name means) are the server's: these helpers only
 * choose what to offer and how to name it.
 */
import { COUNTRIES } from './bindings';
import type {
  AdminAction,
  AdminOverview,
  AuditAction,
  AuditLine,
  DeviceLine,
  UserLine,
  WorkspaceLine,
} from './bindings';
import { CommandError } from './errors';
import type { MessageKey } from './i18n/en';
import type { Transport } from './transport';

/** Audit lines fetched at a time; "Older entries" fetches the next ones. */
export const AUDIT_PAGE_SIZE = 25;

/** The shortest password the server accepts, said beside the field (generated from the Rust rule). */
export { MIN_PASSWORD_CHARS } from './bindings';

/**
 * How a section asks the page to do an action: null once it is done (the
 * page shows the server's sentence and reads everything again), else the
 * words of the refusal, for the form that asked to show beside itself.
 */
export type Act = (action: AdminAction) => Promise<string | null>;

/** The server's account API through the session's transport. */
export class Administration {
  constructor(private readonly transport: Transport) {}

  async overview(): Promise<AdminOverview> {
    return (await this.transport.account('/api/admin/overview')) as AdminOverview;
  }

  /** Do one action; the server's sentence saying what was done. */
  async act(action: AdminAction): Promise<string> {
    return messageOf(await this.transport.account('/api/admin/action', action));
  }

  /** Up to `limit` audit lines older than the line `before` (null: the newest), newest first. */
  async audit(before: number | null, limit = AUDIT_PAGE_SIZE): Promise<AuditLine[]> {
    const query = new URLSearchParams({ limit: String(limit) });
    if (before !== null) query.set('before', String(before));
    return (await this.transport.account(`/api/admin/audit?${query}`)) as AuditLine[];
  }

  /** The signed-in user's own open devices and browser sessions. */
  async ownDevices(): Promise<DeviceLine[]> {
    return (await this.transport.account('/api/devices')) as DeviceLine[];
  }

  /** End one of the signed-in user's own devices or sessions. */
  async revokeOwn(deviceId: string): Promise<string> {
    return messageOf(await this.transport.account('/api/devices/revoke', { device_id: deviceId }));
  }
}

function messageOf(body: unknown): string {
  const message = (body as { message?: unknown } | null)?.message;
  if (typeof message !== 'string') throw new CommandError('unexpected', 'the server did not say what it did');
  return message;
}

/** A country of the list: its ISO code, its name as shown, its English name (what the server stores). */
export interface CountryOption {
  code: string;
  name: string;
  english: string;
}

const ENGLISH_BY_CODE = new Map(COUNTRIES.map(([code, english]) => [code, english]));
const CODE_BY_NAME = new Map(COUNTRIES.map(([code, english]) => [english.toLowerCase(), code]));
const regionNames = new Map<string, Intl.DisplayNames | null>();

/**
 * A country's name in `locale` (`Intl.DisplayNames`), or its English name
 * where the browser knows no better.
 */
export function countryName(locale: string, code: string): string {
  const english = ENGLISH_BY_CODE.get(code) ?? code;
  if (!regionNames.has(locale)) {
    let names: Intl.DisplayNames | null = null;
    try {
      names = new Intl.DisplayNames([locale], { type: 'region', fallback: 'none' });
    } catch {
      // An old browser without DisplayNames: English names.
    }
    regionNames.set(locale, names);
  }
  try {
    return regionNames.get(locale)?.of(code) ?? english;
  } catch {
    return english;
  }
}

/** Every country of the list, named in `locale` and sorted as a reader of it expects. */
export function countryOptions(locale: string): CountryOption[] {
  const collator = new Intl.Collator(locale, { sensitivity: 'base' });
  return COUNTRIES.map(([code, english]) => ({ code, english, name: countryName(locale, code) })).sort((a, b) =>
    collator.compare(a.name, b.name),
  );
}

/** The ISO code of a country given by code or English name (any case); null for a name not in the list. */
export function countryCode(text: string): string | null {
  const trimmed = text.trim();
  if (ENGLISH_BY_CODE.has(trimmed.toUpperCase())) return trimmed.toUpperCase();
  return CODE_BY_NAME.get(trimmed.toLowerCase()) ?? null;
}

/** A country as the server stores it (an English name), named in `locale`; a name not in the list as it is. */
export function countryLabel(locale: string, stored: string): string {
  const code = countryCode(stored);
  return code ? countryName(locale, code) : stored;
}

/** The countries a user may still be given: the list minus those they cover already. */
export function uncovered(options: CountryOption[], covered: readonly string[]): CountryOption[] {
  const have = new Set(covered.map((c) => countryCode(c) ?? c.trim().toLowerCase()));
  return options.filter((o) => !have.has(o.code));
}

/** The users who may be added to a workspace: everyone not a member already. */
export function memberCandidates(users: readonly UserLine[], workspace: WorkspaceLine): UserLine[] {
  const members = new Set(workspace.members.map((m) => m.username));
  return users.filter((u) => !members.has(u.username));
}

/**
 * An id for a new workspace from its name ("Côte d'Ivoire – labour" →
 * `cote-d-ivoire-labour`): letters, digits and dashes, as the server wants.
 */
export function suggestWorkspaceId(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 64)
    .replace(/-$/, '');
}

/** The message of each action of the audit log (the compiler sees that none is missing). */
const AUDIT_ACTION_KEYS: Record<AuditAction, MessageKey> = {
  add_user: 'auditAction.add_user',
  disable_user: 'auditAction.disable_user',
  enable_user: 'auditAction.enable_user',
  reset_password: 'auditAction.reset_password',
  add_workspace: 'auditAction.add_workspace',
  change_workspace: 'auditAction.change_workspace',
  set_member: 'auditAction.set_member',
  remove_member: 'auditAction.remove_member',
  cover: 'auditAction.cover',
  uncover: 'auditAction.uncover',
  revoke_device: 'auditAction.revoke_device',
  revoke_own_device: 'auditAction.revoke_own_device',
  new_epoch: 'auditAction.new_epoch',
  other: 'auditAction.other',
};

export const AUDIT_ACTIONS = Object.keys(AUDIT_ACTION_KEYS) as AuditAction[];

/** The message naming an audit action; a newer server's action reads as "other". */
export function auditActionKey(action: string): MessageKey {
  return AUDIT_ACTION_KEYS[action as AuditAction] ?? AUDIT_ACTION_KEYS.other;
}

/** Devices of the list, this session first, then the newest. */
export function devicesInOrder(devices: readonly DeviceLine[], current: string | null): DeviceLine[] {
  return [...devices].sort(
    (a, b) => Number(b.device_id === current) - Number(a.device_id === current) || b.created_at - a.created_at,
  );
}
