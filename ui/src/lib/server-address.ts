/**
 * Whether signing in to `address` would send the password across a network
 * unencrypted: plain `http://` to a computer other than this one. (A regional
 * server normally sits behind https; http is for a laptop serving itself.)
 */
export function crossesNetworkInClear(address: string): boolean {
  let url: URL;
  try {
    url = new URL(address.trim());
  } catch {
    return false;
  }
  if (url.protocol !== 'http:') return false;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return !(host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\./.test(host));
}
