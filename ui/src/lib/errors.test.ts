import { describe, expect, it } from 'vitest';
import type { Code } from './bindings';
import { CommandError, errorKey, signInErrorKey } from './errors';

describe('error codes as the server and the desktop send them', () => {
  it('a wrong password, from the server or the shell, says so in plain words', () => {
    // The server's 401 body and the shell's refused sign-in (which names the field).
    const server = CommandError.from({ code: 'unauthorised', message: 'wrong user name or password' });
    const shell = CommandError.from({ code: 'unauthorised', message: 'wrong user name or password', field: 'password' });
    for (const e of [server, shell]) {
      expect(e.unauthorised).toBe(true);
      expect(e.offline).toBe(false);
      expect(signInErrorKey(e)).toBe('signIn.wrong');
      expect(errorKey(e)).toBe('error.unauthorised');
    }
    expect(shell.field).toBe('password');
    // The American spelling is nobody's code.
    expect(signInErrorKey(new CommandError('unauthorized' as Code, 'x'))).toBeNull();
  });

  it('an unreachable server is "offline", for the browser and the desktop alike', () => {
    const shell = CommandError.from({ code: 'offline', message: 'error sending request', field: null });
    expect(shell.offline).toBe(true);
    expect(signInErrorKey(shell)).toBe('signIn.offline');
    expect(errorKey(shell)).toBe('error.offline');
  });

  it('a disabled account is told so at sign-in, not that the password is wrong', () => {
    const disabled = CommandError.from({ code: 'account_disabled', message: 'this account is disabled', field: null });
    expect(disabled.unauthorised).toBe(false);
    expect(signInErrorKey(disabled)).toBe('signIn.disabled');
    expect(errorKey(disabled)).toBe('error.account_disabled');
    expect(errorKey(new CommandError('not_an_admin', 'x'))).toBe('error.not_an_admin');
  });

  it('other refusals keep the sender’s message at sign-in, and known codes have words', () => {
    const invalid = CommandError.from({ code: 'invalid', message: 'the server address starts with https://', field: 'server' });
    expect(signInErrorKey(invalid)).toBeNull();
    expect(errorKey(invalid)).toBe('error.invalid');
    for (const code of ['forbidden', 'not_found', 'read_only', 'exists', 'storage', 'bad_document', 'bad_data_file', 'malformed'] as const) {
      expect(errorKey(new CommandError(code, 'x'))).toBe(`error.${code}`);
    }
    // A newer server's code (not in the generated `Code`) still gets words.
    const later = CommandError.from({ code: 'something_new', message: 'x' });
    expect(later.code).toBe('something_new');
    expect(errorKey(later)).toBe('error.unexpected');
  });
});
