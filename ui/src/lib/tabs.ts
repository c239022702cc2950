/**
 * Several tabs of the app share one outbox (it lives in IndexedDB): one tab
 * at a time sends it, so no edit goes twice, and the tabs tell each other
 * when something changed, so each shows the same waiting edits.
 */

/** Locks this tab holds when the browser has no Web Locks (see `exclusively`). */
const heldHere = new Set<string>();

/**
 * Run `fn` while holding the lock `name` across the tabs of this origin, or
 * return null at once, without running it, when another holder has it: that
 * one is already doing the work, and this tab tries again later.
 *
 * Without Web Locks (an old browser, or a page not served over https nor
 * from localhost), the lock only keeps this tab from running `fn` twice at
 * once; two such tabs could each send. The server applies a set twice to the
 * same value, but a repeated insert is refused as a duplicate id.
 */
export async function exclusively<T>(name: string, fn: () => Promise<T>): Promise<T | null> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (locks) {
    return locks.request(name, { ifAvailable: true }, async (lock) => (lock ? fn() : null));
  }
  if (heldHere.has(name)) return null;
  heldHere.add(name);
  try {
    return await fn();
  } finally {
    heldHere.delete(name);
  }
}

/**
 * One channel object per name for this tab, shared by `announce` and every
 * `listen`: a BroadcastChannel never hears its own messages, so the tab does
 * not react to what it announced itself (which could loop).
 */
interface Channel {
  port: BroadcastChannel;
  listeners: Set<(m: unknown) => void>;
}
const channels = new Map<string, Channel>();

function opened(name: string): Channel {
  const known = channels.get(name);
  if (known) return known;
  const channel: Channel = { port: new BroadcastChannel(name), listeners: new Set() };
  channel.port.onmessage = (event: MessageEvent) => {
    for (const listener of channel.listeners) listener(event.data);
  };
  channels.set(name, channel);
  return channel;
}

/** Close a channel nobody listens to; posted messages are still delivered. */
function closeIfIdle(name: string, channel: Channel): void {
  if (channel.listeners.size > 0 || channels.get(name) !== channel) return;
  channel.port.close();
  channels.delete(name);
}

/**
 * Tell the other tabs something happened (e.g. the outbox changed). A hint,
 * not a delivery: a tab that misses it reads the store again on its own.
 */
export function announce(channel: string, message: unknown): void {
  if (typeof BroadcastChannel === 'undefined') return;
  let used: Channel | undefined;
  try {
    used = opened(channel);
    used.port.postMessage(message);
  } catch {
    // Not cloneable, or the browser refused: the other tabs catch up on their own.
  } finally {
    if (used) closeIfIdle(channel, used);
  }
}

/** Hear what the other tabs announce on `channel`; call the result to stop. */
export function listen(channel: string, onMessage: (m: unknown) => void): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => {};
  let used: Channel;
  try {
    used = opened(channel);
  } catch {
    // Refused (e.g. an opaque origin): this tab just hears nothing.
    return () => {};
  }
  // Its own entry, so listening twice with one function needs two stops.
  const entry = (m: unknown) => onMessage(m);
  used.listeners.add(entry);
  return () => {
    used.listeners.delete(entry);
    closeIfIdle(channel, used);
  };
}
