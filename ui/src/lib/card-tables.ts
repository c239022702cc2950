/**
 * Tables that read as cards on a phone: each cell carries its column's
 * heading (`data-label`), which the stylesheet shows beside the value when
 * the screen is too narrow for columns. One observer for the whole page, so
 * no table has to remember it, and headings follow a change of language.
 */

/** The heading of each column of `table`, spanning cells expanded. */
function headings(table: HTMLTableElement): string[] {
  const row = table.tHead?.rows[table.tHead.rows.length - 1];
  if (!row) return [];
  const out: string[] = [];
  for (const cell of row.cells) {
    const text = (cell.textContent ?? '').replace(/\s+/g, ' ').trim();
    for (let i = 0; i < Math.max(1, cell.colSpan); i++) out.push(text);
  }
  return out;
}

/** Puts each column's heading on its cells; returns how many it changed. */
export function labelCells(table: HTMLTableElement): number {
  const names = headings(table);
  if (names.length === 0) return 0;
  let changed = 0;
  for (const body of [...table.tBodies, ...(table.tFoot ? [table.tFoot] : [])]) {
    for (const row of body.rows) {
      let column = 0;
      for (const cell of row.cells) {
        const name = names[column] ?? '';
        // A row's own heading (its name) is the card's title, not a labelled value.
        const label = cell.tagName === 'TH' ? '' : name;
        if (cell.getAttribute('data-label') !== label) {
          cell.setAttribute('data-label', label);
          changed++;
        }
        column += Math.max(1, cell.colSpan);
      }
    }
  }
  return changed;
}

/** Keeps every table under `root` labelled as the page changes. Returns a function that stops. */
export function watchTables(root: HTMLElement): () => void {
  let pending = 0;
  const run = () => {
    pending = 0;
    for (const table of root.querySelectorAll('table')) labelCells(table);
  };
  const observer = new MutationObserver(() => {
    if (!pending) pending = requestAnimationFrame(run);
  });
  // Attributes are not watched: labelling sets them.
  observer.observe(root, { childList: true, subtree: true, characterData: true });
  run();
  return () => {
    observer.disconnect();
    if (pending) cancelAnimationFrame(pending);
  };
}
