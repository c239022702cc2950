import type { AppError } from './bindings';

/**
 * An error from a command, whatever the transport: the server's or the shell's
 * `AppError`, or `offline` when the request never reached anyone. The UI
 * branches on `code`, never on the message text.
 */
export class CommandError extends Error {
  readonly code: string;
  readonly field: string | null;

  constructor(code: string, message: string, field: string | null = null) {
    super(message);
    this.code = code;
    this.field = field;
  }

  /** The request did not reach the server: what was typed must be kept. */
  get offline(): boolean {
    return this.code === 'offline';
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
