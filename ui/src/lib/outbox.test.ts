import { describe, expect, it } from 'vitest';
import { Outbox } from './outbox.svelte';

describe('the outbox of edits that waited for the network', () => {
  it('keeps the newest value of a field and sends in order, stopping while still offline', async () => {
    const box = new Outbox();
    box.add('plan', { op: 'set', path: 'title', value: 'a' });
    box.add('plan', { op: 'insert', list: 'risks', item: { id: 'r1' } });
    box.add('plan', { op: 'set', path: 'title', value: 'b' });
    expect(box.items.map((u) => (u.edit.op === 'set' ? u.edit.value : u.edit.op))).toEqual(['insert', 'b']);

    const sent: string[] = [];
    let online = false;
    await box.flush(async (u) => {
      if (!online) return 'offline';
      sent.push(u.edit.op);
      return 'sent';
    });
    expect(box.items).toHaveLength(2);
    online = true;
    await box.flush(async (u) => {
      sent.push(u.edit.op);
      return 'sent';
    });
    expect(sent).toEqual(['insert', 'set']);
    expect(box.items).toHaveLength(0);
  });
});
