import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { CommandError } from './errors';
import { openOfflineDb } from './offline-db';
import { Outbox, sameUser, type SendResult, type Unsent } from './outbox.svelte';

const valueOf = (u: Unsent) => (u.edit.op === 'set' ? u.edit.value : u.edit.op);

describe('the outbox of edits that waited for the network', () => {
  it('keeps the newest value of a field in its place and sends in order, stopping while still offline', async () => {
    const box = new Outbox();
    await box.add('plan', { op: 'set', path: 'title', value: 'a' }, [], null);
    await box.add('plan', { op: 'insert', list: 'risks', item: { id: 'r1' } }, [], null);
    await box.add('plan', { op: 'set', path: 'title', value: 'b' }, [], null);
    // In its place: the newer value replaces the older one still waiting.
    expect(box.items.map(valueOf)).toEqual(['b', 'insert']);

    const sent: string[] = [];
    let online = false;
    await box.flush(null, async (u) => {
      if (!online) return 'offline';
      sent.push(u.edit.op);
      return 'sent';
    });
    expect(box.items).toHaveLength(2);
    online = true;
    await box.flush(null, async (u) => {
      sent.push(u.edit.op);
      return 'sent';
    });
    expect(sent).toEqual(['set', 'insert']);
    expect(box.items).toHaveLength(0);
  });

  it('keeps an edit whose session ended, to send it when its author signs in again', async () => {
    const box = new Outbox();
    await box.add('plan', { op: 'set', path: 'objective', value: 'typed' }, [], 'officer');
    await box.flush('officer', async () => 'signedOut');
    expect(box.items.map(valueOf)).toEqual(['typed']);
    const sent: SendResult[] = [];
    await box.flush('officer', async () => {
      sent.push('sent');
      return 'sent';
    });
    expect(sent).toEqual(['sent']);
    expect(box.items).toEqual([]);
  });

  it('never sends an edit as another user: it waits aside for its author, or is discarded', async () => {
    const box = new Outbox();
    await box.add('plan', { op: 'set', path: 'objective', value: 'by officer' }, [], 'officer');
    await box.add('plan', { op: 'set', path: 'objective', value: 'by counterpart' }, [], 'counterpart');
    await box.add('plan', { op: 'set', path: 'title', value: 'also by officer' }, [], 'officer');
    // The same field by two people: each keeps their own value.
    expect(box.items.map(valueOf)).toEqual(['by officer', 'by counterpart', 'also by officer']);
    expect(box.of('counterpart').map(valueOf)).toEqual(['by counterpart']);
    expect(box.othersThan('counterpart')).toEqual([{ user: 'officer', count: 2 }]);

    const sentAs: string[] = [];
    await box.flush('counterpart', async (u) => {
      sentAs.push(`${u.user}:${valueOf(u)}`);
      return 'sent';
    });
    expect(sentAs).toEqual(['counterpart:by counterpart']);
    expect(box.othersThan('counterpart')).toEqual([{ user: 'officer', count: 2 }]);

    // User names are compared without case, as the server does.
    expect(sameUser('Officer', 'officer')).toBe(true);
    await box.flush('OFFICER', async (u) => {
      sentAs.push(`${u.user}:${valueOf(u)}`);
      return 'sent';
    });
    expect(sentAs.slice(1)).toEqual(['officer:by officer', 'officer:also by officer']);

    await box.add('plan', { op: 'set', path: 'objective', value: 'left behind' }, [], 'officer');
    await box.discard('officer');
    expect(box.items).toEqual([]);
  });

  it('keeps a newer value of the field that was being sent', async () => {
    const box = new Outbox();
    await box.add('plan', { op: 'set', path: 'title', value: 'old' }, [], 'officer');
    await box.flush('officer', async () => {
      // Typed again while the old value travels: the new one waits.
      await box.add('plan', { op: 'set', path: 'title', value: 'new' }, [], 'officer');
      return 'signedOut';
    });
    expect(box.items.map(valueOf)).toEqual(['new']);
    const sent: unknown[] = [];
    await box.add('plan', { op: 'set', path: 'title', value: 'newer' }, [], 'officer');
    await box.flush('officer', async (u) => {
      sent.push(valueOf(u));
      return 'sent';
    });
    expect(sent).toEqual(['newer']);
  });

  it('survives closing the tab: edits are in the browser store, in order, with their version', async () => {
    const name = `outbox-${Math.random()}`;
    const box = new Outbox(openOfflineDb(name));
    await box.add('plan', { op: 'set', path: 'objective', value: 'kept' }, ['h1'], 'officer');
    await box.add('plan', { op: 'insert', list: 'risks', item: { id: 'r1' }, before: null }, ['h1'], 'officer');
    const again = new Outbox(openOfflineDb(name));
    await again.ready;
    expect(again.items.map((u) => [u.edit.op, u.heads, u.user])).toEqual([
      ['set', ['h1'], 'officer'],
      ['insert', ['h1'], 'officer'],
    ]);
    expect(again.problem).toBeNull();
  });

  it('keeps a refused edit with what was typed, off the queue, for its author only', async () => {
    const name = `outbox-${Math.random()}`;
    const box = new Outbox(openOfflineDb(name));
    await box.add('plan', { op: 'set', path: 'objective', value: 'my wording' }, [], 'officer');
    await box.flush('officer', async (u) => {
      await box.refuse(u, new CommandError('forbidden', 'your role no longer lets you change this plan'));
      return 'refused';
    });
    expect(box.items).toEqual([]);
    const again = new Outbox(openOfflineDb(name));
    await again.ready;
    expect(again.items).toEqual([]);
    await again.reload('officer');
    expect(again.refusedOf('officer').map((r) => [r.edit.op === 'set' && r.edit.value, r.code])).toEqual([
      ['my wording', 'forbidden'],
    ]);
    expect(again.refusedOf('counterpart')).toEqual([]);
  });

  it("keeps the signed-in user's refused edits in view when another tab's news reloads the store", async () => {
    const name = `outbox-${Math.random()}`;
    const box = new Outbox(openOfflineDb(name));
    await box.add('plan', { op: 'set', path: 'objective', value: 'typed offline' }, [], 'officer');
    await box.flush('officer', async (u) => {
      await box.refuse(u, new CommandError('forbidden', 'no longer allowed'));
      return 'refused';
    });
    // A reopened tab: the officer signs in, then another tab sends something.
    const tab = new Outbox(openOfflineDb(name));
    await tab.showFor('officer');
    expect(tab.refusedOf('officer')).toHaveLength(1);
    await tab.reload();
    expect(tab.refusedOf('officer').map((r) => r.code)).toEqual(['forbidden']);
    // Signed out: nobody's refused edits are shown.
    await tab.showFor(null);
    expect(tab.refused).toEqual([]);
  });

  it('works in memory, and says so, where the browser has no store', async () => {
    const box = new Outbox(Promise.resolve(null));
    await box.add('plan', { op: 'set', path: 'title', value: 'x' }, [], null);
    expect(box.problem).toBe('unavailable');
    expect(box.items).toHaveLength(1);
  });
});
