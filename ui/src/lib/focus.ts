/**
 * Taking the reader to an item of a long page: unfold it, bring it into view
 * and put the cursor in its first field, so that no one scrolls by hand to
 * find what they just made or chose.
 */
import { tick } from 'svelte';

/**
 * Opens the folded item `[data-testid=testid]` (waiting a few frames for it
 * to appear, as a new item does once the document is read again), scrolls to
 * it and focuses the input whose edit path is `field`, its text selected.
 */
export async function openItem(testid: string, field: string): Promise<boolean> {
  let item: HTMLElement | null = null;
  for (let frame = 0; frame < 60 && !item; frame++) {
    await tick();
    await new Promise((done) => requestAnimationFrame(done));
    item = document.querySelector<HTMLElement>(`[data-testid="${CSS.escape(testid)}"]`);
  }
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
 * `within`, a selector, when the same field shows twice), its text selected,
 * scrolled into view if need be.
 */
export async function focusField(path: string, within = 'body'): Promise<boolean> {
  let input: HTMLInputElement | null = null;
  for (let frame = 0; frame < 60 && !input; frame++) {
    await tick();
    await new Promise((done) => requestAnimationFrame(done));
    input = document.querySelector(within)?.querySelector<HTMLInputElement>(`[data-path="${CSS.escape(path)}"]`) ?? null;
  }
  if (!input) return false;
  input.scrollIntoView({ block: 'nearest' });
  input.focus({ preventScroll: true });
  input.select?.();
  return true;
}
