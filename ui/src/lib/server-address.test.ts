import { describe, expect, it } from 'vitest';
import { crossesNetworkInClear } from './server-address';

describe('crossesNetworkInClear', () => {
  it('warns for plain http to another computer', () => {
    expect(crossesNetworkInClear('http://cd4mm.example.org')).toBe(true);
    expect(crossesNetworkInClear(' http://10.0.0.5:8640 ')).toBe(true);
    expect(crossesNetworkInClear('HTTP://Regional-Office')).toBe(true);
    expect(crossesNetworkInClear('http://localhost.example.org')).toBe(true);
  });

  it('does not warn for https, this computer, or what is not an address yet', () => {
    expect(crossesNetworkInClear('https://cd4mm.example.org')).toBe(false);
    expect(crossesNetworkInClear('http://localhost:8640')).toBe(false);
    expect(crossesNetworkInClear('http://127.0.0.1:8640')).toBe(false);
    expect(crossesNetworkInClear('http://[::1]:8640')).toBe(false);
    expect(crossesNetworkInClear('http://app.localhost')).toBe(false);
    expect(crossesNetworkInClear('cd4mm')).toBe(false);
    expect(crossesNetworkInClear('')).toBe(false);
  });
});
