import { pino } from 'pino';

/**
 * The logging surface the inner layers see. `rooms/`, `storage/` and `transport/` receive
 * one of these instead of calling `console`, so tests can silence or capture them.
 */
export type Logger = Pick<pino.Logger, 'info' | 'warn' | 'error' | 'debug' | 'child'>;

/** A JSON logger on stdout (one line per event, as log collectors expect). */
export function createLogger(level: pino.LevelWithSilent): pino.Logger {
  return pino({ level, base: { service: 'inkwell' } });
}

/** A logger that discards everything. */
export function silentLogger(): pino.Logger {
  return pino({ level: 'silent' });
}
