import { afterEach, describe, expect, it, vi } from 'vitest';
import { announce, exclusively, listen } from './tabs';

afterEach(() => {
  vi.unstubAllGlobals();
});

/** Messages arrive on a later task: wait for them, or for nothing, a little. */
function settle(ms = 30): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('exclusively, without Web Locks', () => {
  it('runs fn and returns its result', async () => {
    vi.stubGlobal('navigator', undefined);
    expect(await exclusively('outbox', async () => 7)).toBe(7);
  });

  it('returns null without running fn while this tab holds the lock', async () => {
    vi.stubGlobal('navigator', {});
    let release!: () => void;
    const first = exclusively('outbox', () => new Promise<string>((r) => (release = () => r('first'))));
    const second = vi.fn(async () => 'second');
    expect(await exclusively('outbox', second)).toBeNull();
    expect(second).not.toHaveBeenCalled();
    // Another name is another lock.
    expect(await exclusively('other', async () => 'other')).toBe('other');
    release();
    expect(await first).toBe('first');
    expect(await exclusively('outbox', second)).toBe('second');
  });

  it('lets go of the lock when fn fails', async () => {
    vi.stubGlobal('navigator', {});
    await expect(exclusively('outbox', async () => Promise.reject(new Error('offline')))).rejects.toThrow('offline');
    expect(await exclusively('outbox', async () => 'again')).toBe('again');
  });
});

describe('exclusively, with Web Locks', () => {
  function fakeLocks(available: boolean) {
    const request = vi.fn(
      async (_name: string, options: LockOptions, callback: (lock: Lock | null) => unknown) => {
        expect(options.ifAvailable).toBe(true);
        return callback(available ? ({ name: _name, mode: 'exclusive' } as Lock) : null);
      },
    );
    vi.stubGlobal('navigator', { locks: { request } });
    return request;
  }

  it('runs fn when the lock is granted', async () => {
    const request = fakeLocks(true);
    expect(await exclusively('outbox', async () => 'sent')).toBe('sent');
    expect(request).toHaveBeenCalledWith('outbox', { ifAvailable: true }, expect.any(Function));
  });

  it('returns null without running fn when another tab holds it', async () => {
    fakeLocks(false);
    const fn = vi.fn(async () => 'sent');
    expect(await exclusively('outbox', fn)).toBeNull();
    expect(fn).not.toHaveBeenCalled();
  });
});

describe('announce and listen', () => {
  it('are no-ops without BroadcastChannel', () => {
    vi.stubGlobal('BroadcastChannel', undefined);
    const heard = vi.fn();
    const stop = listen('outbox', heard);
    expect(() => announce('outbox', { changed: true })).not.toThrow();
    stop();
    expect(heard).not.toHaveBeenCalled();
  });

  it("hear another tab's announcements until stopped", async () => {
    const otherTab = new BroadcastChannel('outbox-a');
    const heard = vi.fn();
    const stop = listen('outbox-a', heard);
    otherTab.postMessage({ changed: 1 });
    await settle();
    expect(heard).toHaveBeenCalledWith({ changed: 1 });
    stop();
    otherTab.postMessage({ changed: 2 });
    await settle();
    expect(heard).toHaveBeenCalledTimes(1);
    otherTab.close();
  });

  it('reach another tab, but not this one', async () => {
    const otherTab = new BroadcastChannel('outbox-b');
    const there = vi.fn();
    otherTab.onmessage = (e: MessageEvent) => there(e.data);
    const here = vi.fn();
    const stop = listen('outbox-b', here);
    announce('outbox-b', 'changed');
    await settle();
    expect(there).toHaveBeenCalledWith('changed');
    expect(here).not.toHaveBeenCalled();
    stop();
    // With nobody listening here, announcing still reaches the other tab.
    announce('outbox-b', 'again');
    await settle();
    expect(there).toHaveBeenLastCalledWith('again');
    otherTab.close();
  });

  it('does not throw on a message that cannot be sent', () => {
    expect(() => announce('outbox-c', () => 'a function')).not.toThrow();
  });
});
