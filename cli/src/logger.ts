import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

/**
 * Logs go to stderr, so stdout carries only the lines a script may parse (the listening line).
 * A terminal gets readable lines; anything else gets JSON for a log collector.
 */
export function createLogger(level: string): Logger {
  if (process.stderr.isTTY) {
    return pino({ level }, pretty({ destination: 2, sync: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' }));
  }
  return pino({ level }, pino.destination({ dest: 2, sync: true }));
}
