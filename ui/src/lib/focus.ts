/**
 * Taking the reader to an item of a long page: unfold it, bring it into view
 * and put the cursor in its first field, so that no one scrolls by hand to
 * find what they just made or chose.
 */
import { tick } from 'svelte';

/** What `find` returns once it returns something, trying once a frame up to `frames` times (null after). */
async function waitFor<T>(find: () => T | null, frames: number): Promise<T | null> {
  for (let frame = 0; frame < frames; frame++) {
    await tick();
    await new Promise((done) => requestAnimationFrame(done));
    const found = find();
    if (found) return found;
  }
  return null;
}

/**
 * Opens the folded item `[data-testid=testid]` (waiting a few frames for it
 * to appear, as a new item does once the document is read again), scrolls to
 * it and focuses the input whose edit path is `field`, its text selected.
 */
export async function openItem(testid: string, field: string): Promise<boolean> {
  const item = await waitFor(() => document.querySelector<HTMLElement>(`[data-testid="${CSS.escape(testid)}"]`), 60);
  if (!item) return false;
  for (let d = item.closest('details'); d; d = d.parentElement?.closest('details') ?? null) d.open = true;
  await tick();
  item.scrollIntoView({ block: 'start' });
  const input = item.querySelector<HTMLInputElement>(`[data-path="${CSS.escape(field)}"]`);
  input?.focus({ preventScroll: true });
  input?.select?.();
  return true;
}

/**
 * Focuses the field whose edit path is `path` once it is on the page (inside
 * `within`, a selector, when the same field shows twice) — or, for an item's
 * path, its first field — unfolding what hides it, its text selected and
 * scrolled into view if need be. Waits up to about three seconds for the
 * page to show it (a page just opened reads its documents first).
 */
export async function focusField(path: string, within = 'body'): Promise<boolean> {
  const exact = `[data-path="${CSS.escape(path)}"]`;
  const below = `[data-path^="${CSS.escape(`${path}/`)}"]`;
  const input = await waitFor(() => {
    const root = document.querySelector(within);
    return root?.querySelector<HTMLInputElement>(exact) ?? root?.querySelector<HTMLInputElement>(below) ?? null;
  }, 180);
  if (!input) return false;
  for (let d = input.closest('details'); d; d = d.parentElement?.closest('details') ?? null) d.open = true;
  await tick();
  input.scrollIntoView({ block: 'center' });
  input.focus({ preventScroll: true });
  input.select?.();
  return true;
}
