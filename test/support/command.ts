import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { ADMIN_TOKEN } from './graphql.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningCommand {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
  /** Waits for a line on stdout matching `pattern`; fails if the command exits first. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** The same for stderr, where the logs go. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

/**
 * The settings of a server run as a command on `dataDir`: loopback, ports it picks itself (read
 * from its listening line), and the admin's API token, so `graphql()` and friends work on it.
 */
export function commandEnv(dataDir: string, more: Record<string, string> = {}): Record<string, string> {
  return { CC_DATA_DIR: dataDir, CC_HOST: '127.0.0.1', CC_HTTP_PORT: '0', CC_DEVICE_PORT: '0', CC_API_TOKEN: ADMIN_TOKEN, ...more };
}

const running = new Set<ChildProcess>();

/**
 * Runs one of the project's commands as a person would, as a single process (node with the
 * TypeScript loader, no wrapper in between), so signals reach the server itself.
 */
export function runCommand(script: string, env: Record<string, string>, args: string[] = []): RunningCommand {
  return runNode(['--import', 'tsx', join(REPO_ROOT, script), ...args], env);
}

/**
 * Runs an npm script of package.json (`start`, `adapter`) as npm would, but as the node
 * process itself: the script's own `node …` command line, read from package.json, so a change
 * there is what the test runs.
 */
export function runNpmScript(name: string, env: Record<string, string>, args: string[] = []): RunningCommand {
  const { scripts } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const [program, ...scriptArgs] = scripts[name]?.split(' ') ?? [];
  if (program !== 'node') throw new Error(`npm script ${name} is not a plain node command: ${scripts[name]}`);
  return runNode([...scriptArgs, ...args], env);
}

function runNode(args: string[], env: Record<string, string>): RunningCommand {
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, CC_LOG_LEVEL: 'warn', ...env },
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  const wake: (() => void)[] = [];
  const woken = () => {
    for (const resolve of wake.splice(0)) resolve();
  };
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    woken();
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    woken();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running.delete(child);
      resolve(code);
      woken();
    }),
  );
  /** Waits for `pattern` in what the command wrote so far or writes next. */
  async function waitFor(output: () => string, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(output());
      if (match) return match;
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode} first: ${stderr}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no output matching ${pattern}; stderr: ${stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        wake.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitForOutput: (pattern, timeoutMs = 15_000) => waitFor(() => stdout, pattern, timeoutMs),
    waitForLog: (pattern, timeoutMs = 15_000) => waitFor(() => stderr, pattern, timeoutMs),
  };
}

/** Kills whatever a test left running. */
export function killCommands(): void {
  for (const child of running) child.kill('SIGKILL');
}
