import { describe, expect, it } from 'vitest';
import { Outbox, sameUser, type SendResult, type Unsent } from './outbox.svelte';

/** A Storage over a Map, as sessionStorage behaves. */
function memoryStorage(): Storage {
  const map = new Map<string, string>();
  return {
    get length() {
      return map.size;
    },
    clear: () => map.clear(),
    getItem: (k) => map.get(k) ?? null,
    key: (i) => [...map.keys()][i] ?? null,
    removeItem: (k) => void map.delete(k),
    setItem: (k, v) => void map.set(k, String(v)),
  };
}

const valueOf = (u: Unsent) => (u.edit.op === 'set' ? u.edit.value : u.edit.op);

describe('the outbox of edits that waited for the network', () => {
  it('keeps the newest value of a field and sends in order, stopping while still offline', async () => {
    const box = new Outbox();
    box.add('plan', { op: 'set', path: 'title', value: 'a' });
    box.add('plan', { op: 'insert', list: 'risks', item: { id: 'r1' } });
    box.add('plan', { op: 'set', path: 'title', value: 'b' });
    expect(box.items.map(valueOf)).toEqual(['insert', 'b']);

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
    expect(sent).toEqual(['insert', 'set']);
    expect(box.items).toHaveLength(0);
  });

  it('keeps an edit whose session ended, to send it when its author signs in again', async () => {
    const box = new Outbox();
    box.add('plan', { op: 'set', path: 'objective', value: 'typed' }, 'officer');
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
    box.add('plan', { op: 'set', path: 'objective', value: 'by officer' }, 'officer');
    box.add('plan', { op: 'set', path: 'objective', value: 'by counterpart' }, 'counterpart');
    box.add('plan', { op: 'set', path: 'title', value: 'also by officer' }, 'officer');
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

    box.add('plan', { op: 'set', path: 'objective', value: 'left behind' }, 'officer');
    box.discard('officer');
    expect(box.items).toEqual([]);
  });

  it('keeps a newer value of the field that was being sent', async () => {
    const box = new Outbox();
    box.add('plan', { op: 'set', path: 'title', value: 'old' }, 'officer');
    await box.flush('officer', async () => {
      // Typed again while the old value travels: the new one waits.
      box.add('plan', { op: 'set', path: 'title', value: 'new' }, 'officer');
      return 'signedOut';
    });
    expect(box.items.map(valueOf)).toEqual(['new']);
    const sent: unknown[] = [];
    box.add('plan', { op: 'set', path: 'title', value: 'newer' }, 'officer');
    await box.flush('officer', async (u) => {
      sent.push(valueOf(u));
      return 'sent';
    });
    expect(sent).toEqual(['newer']);
  });

  it('survives a reload of the window, and forgets what is unreadable', () => {
    const storage = memoryStorage();
    const box = new Outbox(storage);
    box.add('plan', { op: 'set', path: 'objective', value: 'kept' }, 'officer');
    const again = new Outbox(storage);
    expect(again.items).toEqual([{ doc: 'plan', edit: { op: 'set', path: 'objective', value: 'kept' }, user: 'officer' }]);
    again.discard('officer');
    expect(storage.getItem('cd4mm.outbox')).toBeNull();

    storage.setItem('cd4mm.outbox', '{not json');
    expect(new Outbox(storage).items).toEqual([]);
    storage.setItem('cd4mm.outbox', JSON.stringify([{ doc: 'plan' }, { doc: 'x', edit: { op: 'remove', list: 'l', id: 'i' }, user: null }]));
    expect(new Outbox(storage).items).toHaveLength(1);
  });
});
