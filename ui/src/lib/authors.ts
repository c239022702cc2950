/** Names of the authors of changes, as a server gives them. */
/**
 * A server's `{actor: username}` answer, kept only as far as it is one: an
 * object of short strings (at most 10,000 of them), so a broken or hostile
 * answer names nobody rather than filling the screen.
 */
export function namesOf(answer: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) return out;
  let n = 0;
  for (const [actor, name] of Object.entries(answer)) {
    if (n >= 10_000) break;
    if (/^[0-9a-f]{1,64}$/.test(actor) && typeof name === 'string' && name.length > 0 && name.length <= 100) {
      out[actor] = name;
      n++;
    }
  }
  return out;
}
