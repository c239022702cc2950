import type { AppError, Code } from './bindings';
import en, { type MessageKey } from './i18n/en';
import { t } from './i18n/index.svelte';

/**
 * An error from a command, whatever the transport: the server's or the shell's
 * `AppError`, or `offline` when the request never reached anyone. The UI
 * branches on `code`, never on the message text.
 */
export class CommandError extends Error {
  /** One of the generated `Code`s (a newer server's code arrives as is). */
  readonly code: Code;
  readonly field: string | null;

  constructor(code: Code, message: string, field: string | null = null) {
    super(message);
    this.code = code;
    this.field = field;
  }

  /** The request did not reach the server: what was typed must be kept. */
  get offline(): boolean {
    return this.code === 'offline';
  }

  /** The server did not accept who this is: sign in (again). */
  get unauthorised(): boolean {
    return this.code === 'unauthorised';
  }

  static from(value: unknown): CommandError {
    if (value instanceof CommandError) return value;
    if (isAppError(value)) return new CommandError(value.code, value.message, value.field ?? null);
    if (typeof value === 'string') return new CommandError('unexpected', value);
    if (value instanceof Error) return new CommandError('unexpected', value.message);
    return new CommandError('unexpected', String(value));
  }
}

export function isAppError(value: unknown): value is AppError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AppError).code === 'string' &&
    typeof (value as AppError).message === 'string'
  );
}

/** The plain words for an error no field owns: `error.CODE`, or "something went wrong". */
export function errorKey(e: CommandError): MessageKey {
  const key = `error.${e.code}`;
  return key in en ? (key as MessageKey) : 'error.unexpected';
}

/**
 * What a refused sign-in says: the connection, the password, a disabled
 * account, or the sender's own message (null).
 */
export function signInErrorKey(e: CommandError): MessageKey | null {
  if (e.offline) return 'signIn.offline';
  if (e.unauthorised) return 'signIn.wrong';
  if (e.code === 'account_disabled') return 'signIn.disabled';
  return null;
}

/**
 * What a form shows beside itself when its command failed: plain words when
 * the request never left (what was typed is kept), else the sender's message.
 */
export function errorText(e: unknown): string {
  const err = CommandError.from(e);
  return err.offline ? t('error.offline') : err.message;
}
