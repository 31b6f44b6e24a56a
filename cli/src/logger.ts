import pino, { type Logger } from 'pino';

/**
 * Logs go to stderr, so stdout carries only the lines a script may parse (the listening line).
 * A terminal gets readable lines; anything else gets JSON for a log collector. pino-pretty is
 * loaded only for a terminal: a service under a supervisor never pays for its memory.
 */
export async function createLogger(level: string): Promise<Logger> {
  if (process.stderr.isTTY) {
    const { default: pretty } = await import('pino-pretty');
    return pino({ level }, pretty({ destination: 2, sync: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' }));
  }
  return pino({ level }, pino.destination({ dest: 2, sync: true }));
}
