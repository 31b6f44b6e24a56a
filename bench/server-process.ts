/**
 * A server under test running as a child process, so its CPU and memory are its own and not
 * mixed with the simulated lamps'. Servers print `<name> listening http=<port> device=<port>`, a lone
 * adapter `<name> listening device=<port> …`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

export interface ServerProcessOptions {
  /** Shown in messages. */
  label: string;
  /** Node's arguments: `--import tsx <file>` for a TypeScript file, or an npm script's (npmScriptArgs). */
  nodeArgs: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** How long the child may take to print its listening line. */
  startTimeoutMs: number;
  /** Called if the child exits while the bench still needs it. */
  onUnexpectedExit(message: string): void;
}

export interface ServerProcess {
  readonly label: string;
  readonly pid: number;
  readonly httpPort: number;
  readonly devicePort: number;
  /** From spawning the process to its listening line. */
  readonly listeningAfterMs: number;
  /** Everything the child wrote after its listening line (warnings, errors), newest last, capped. */
  readonly laterOutput: string[];
  /** How many lines the child wrote after its listening line in total. */
  laterOutputLines(): number;
  /** SIGTERM, then SIGKILL if the child has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** A lone adapter prints no HTTP port (httpPort is then 0). */
const LISTENING = /\blistening (?:http=(\d+) )?device=(\d+)/;
const KEPT_OUTPUT_LINES = 50;

/** Children not yet known to have exited; killed if the bench exits any other way than stop(). */
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

/**
 * Node's arguments in an npm script of package.json that is a plain `node …` command (`start`):
 * the bench runs them itself, as npm would, without npm and a shell as parents.
 */
export function npmScriptArgs(root: string, name: string): string[] {
  const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const [program, ...args] = scripts[name]?.split(' ') ?? [];
  if (program !== 'node') throw new Error(`npm script ${name} is not a plain node command: ${scripts[name]}`);
  return args;
}

/**
 * Starts `node <nodeArgs>` directly rather than through npm or `npx tsx`: each would add a
 * parent process, and the PID read for VmRSS (and signalled with SIGTERM) must be the server's own.
 */
export function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const spawnedAt = performance.now();
  const child: ChildProcess = spawn(process.execPath, options.nodeArgs, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let ready = false;
  let stopping = false;
  let laterLines = 0;
  const laterOutput: string[] = [];
  const earlyOutput: string[] = [];
  liveChildren.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      liveChildren.delete(child);
      resolve();
    }),
  );

  const keep = (line: string) => {
    if (!ready) {
      earlyOutput.push(line);
      return;
    }
    laterLines += 1;
    laterOutput.push(line);
    if (laterOutput.length > KEPT_OUTPUT_LINES) laterOutput.shift();
  };
  let onListening: (match: RegExpExecArray) => void = () => {};
  // The listening line comes first on stdout, then cloud-cloud's indented startup banner.
  let bannerLines = 0;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const match = ready ? null : LISTENING.exec(line);
    if (match) return onListening(match);
    if (ready && bannerLines < 3 && line.startsWith('  ')) {
      bannerLines += 1;
      return;
    }
    keep(line);
  });
  createInterface({ input: child.stderr! }).on('line', keep);

  return new Promise<ServerProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.label} did not print its listening line within ${options.startTimeoutMs} ms`));
    }, options.startTimeoutMs);

    child.once('exit', (code, signal) => {
      const message = `${options.label} exited (${signal ?? `code ${code}`})${earlyOutput.length ? `:\n${earlyOutput.slice(-20).join('\n')}` : ''}`;
      if (!ready) {
        clearTimeout(timer);
        reject(new Error(message));
      } else if (!stopping) {
        options.onUnexpectedExit(message);
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });

    onListening = (match) => {
      ready = true;
      clearTimeout(timer);
      resolve({
        label: options.label,
        pid: child.pid!,
        httpPort: Number(match[1] ?? 0),
        devicePort: Number(match[2]),
        listeningAfterMs: performance.now() - spawnedAt,
        laterOutput,
        laterOutputLines: () => laterLines,
        stop: async (graceMs = 5_000) => {
          stopping = true;
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const timedOut = await Promise.race([
            exited.then(() => false),
            new Promise<boolean>((r) => setTimeout(() => r(true), graceMs).unref()),
          ]);
          if (timedOut) {
            child.kill('SIGKILL');
            await exited;
          }
        },
      });
    };
  });
}

/** Resident set size of a process in KiB, from /proc (Linux); null where /proc is missing. */
export function residentKiB(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux); null elsewhere. */
export function cpuMs(pid: number): number | null {
  try {
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th of the line.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // /proc counts in USER_HZ, which Linux fixes at 100 per second for user space.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** Bytes a process has handed to write()/send() so far (sockets included), from /proc; null where unreadable. */
export function writtenBytes(pid: number): number | null {
  try {
    const match = /^wchar:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}
