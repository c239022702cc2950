import { describe, expect, it } from 'vitest';
import {
  Administration,
  AUDIT_ACTIONS,
  auditActionKey,
  countryCode,
  countryLabel,
  countryName,
  countryOptions,
  devicesInOrder,
  memberCandidates,
  suggestWorkspaceId,
  uncovered,
} from './admin';
import { COUNTRIES } from './bindings';
import type { DeviceLine, UserLine, WorkspaceLine } from './bindings';
import en from './i18n/en';
import type { Transport } from './transport';

describe('the list of countries', () => {
  it('names each country in the reader’s language and sorts by that name', () => {
    const fr = countryOptions('fr');
    expect(fr).toHaveLength(COUNTRIES.length);
    expect(fr.find((c) => c.code === 'DE')).toEqual({ code: 'DE', english: 'Germany', name: 'Allemagne' });
    expect(countryOptions('es').find((c) => c.code === 'GH')?.name).toBe('Ghana');
    // Sorted as French readers expect: "Égypte" among the E's, not after "Z".
    const names = fr.map((c) => c.name);
    expect(names.indexOf('Égypte')).toBeGreaterThan(names.indexOf('Dominique'));
    expect(names.indexOf('Égypte')).toBeLessThan(names.indexOf('Érythrée'));
    expect(names.indexOf('Zimbabwe')).toBe(names.length - 1);
    // English sorts by the English display name.
    expect(countryOptions('en')[0].name).toBe('Afghanistan');
  });

  it('falls back to the English name where the browser knows none', () => {
    // `XX` is no region: DisplayNames has nothing, so the list's own name stands.
    expect(countryName('fr', 'XX')).toBe('XX');
    expect(countryName('fr', 'CI')).toBe('Côte d’Ivoire');
  });

  it('reads a country the server stored by name, in any case, or by code', () => {
    expect(countryCode('Ghana')).toBe('GH');
    expect(countryCode(' côte d\'ivoire ')).toBe('CI');
    expect(countryCode('sn')).toBe('SN');
    expect(countryCode('Atlantis')).toBeNull();
    expect(countryLabel('fr', 'Senegal')).toBe('Sénégal');
    // A name from before the list was enforced is shown as written.
    expect(countryLabel('fr', 'Northern Region')).toBe('Northern Region');
  });

  it('offers a regional officer only the countries not covered yet', () => {
    const left = uncovered(countryOptions('en'), ['Ghana', 'senegal', 'Somewhere']);
    expect(left.some((c) => c.code === 'GH' || c.code === 'SN')).toBe(false);
    expect(left).toHaveLength(COUNTRIES.length - 2);
  });
});

describe('workspaces and members', () => {
  const user = (username: string): UserLine => ({
    username,
    admin: false,
    disabled: false,
    created_at: 0,
    coverage: [],
  });
  const ws: WorkspaceLine = {
    id: 'w',
    name: 'W',
    country: 'Ghana',
    country_code: 'GH',
    created_at: 0,
    members: [{ username: 'officer', role: 'editor' }],
  };

  it('offers as new members only people who are not members yet', () => {
    expect(memberCandidates([user('admin'), user('officer'), user('zoe')], ws).map((u) => u.username)).toEqual([
      'admin',
      'zoe',
    ]);
  });

  it('suggests a plain id from a workspace’s name', () => {
    expect(suggestWorkspaceId('Côte d’Ivoire – labour mobility')).toBe('cote-d-ivoire-labour-mobility');
    expect(suggestWorkspaceId('  ')).toBe('');
    expect(suggestWorkspaceId('x'.repeat(80))).toHaveLength(64);
  });
});

describe('the audit log and devices', () => {
  it('has words for every action, and for one a newer server adds', () => {
    for (const action of AUDIT_ACTIONS) expect(en, action).toHaveProperty(auditActionKey(action));
    expect(auditActionKey('merge_users')).toBe('auditAction.other');
  });

  it('lists this session first, then the newest', () => {
    const device = (device_id: string, created_at: number): DeviceLine => ({
      device_id,
      username: 'u',
      name: 'web browser',
      browser: true,
      created_at,
      last_seen_at: created_at,
      revoked: false,
    });
    const list = [device('old', 1), device('mine', 2), device('new', 3)];
    expect(devicesInOrder(list, 'mine').map((d) => d.device_id)).toEqual(['mine', 'new', 'old']);
    expect(devicesInOrder(list, null).map((d) => d.device_id)).toEqual(['new', 'mine', 'old']);
  });
});

describe('the account API', () => {
  function fake(answer: (path: string, body?: unknown) => unknown) {
    const calls: { path: string; body?: unknown }[] = [];
    const transport = {
      account: async (path: string, body?: unknown) => {
        calls.push({ path, body });
        return answer(path, body);
      },
    } as unknown as Transport;
    return { admin: new Administration(transport), calls };
  }

  it('sends an action and answers the server’s sentence', async () => {
    const { admin, calls } = fake(() => ({ message: 'user `zoe` added' }));
    expect(await admin.act({ type: 'add_user', username: 'zoe', password: 'long enough words', admin: false })).toBe(
      'user `zoe` added',
    );
    expect(calls[0]).toEqual({
      path: '/api/admin/action',
      body: { type: 'add_user', username: 'zoe', password: 'long enough words', admin: false },
    });
    expect(await admin.revokeOwn('d1')).toBe('user `zoe` added');
    expect(calls[1]).toEqual({ path: '/api/devices/revoke', body: { device_id: 'd1' } });
  });

  it('pages the audit log with `before`', async () => {
    const { admin, calls } = fake(() => []);
    await admin.audit(null);
    await admin.audit(42, 10);
    expect(calls.map((c) => c.path)).toEqual(['/api/admin/audit?limit=25', '/api/admin/audit?limit=10&before=42']);
  });

  it('refuses an answer that says nothing', async () => {
    const { admin } = fake(() => ({}));
    await expect(admin.act({ type: 'revoke_device', device_id: 'x' })).rejects.toMatchObject({ code: 'unexpected' });
  });
});
