/**
 * Start-up and idle memory: how long `npm start`'s command takes from spawn to its listening
 * line, and the server process's resident memory once it has settled with nothing connected,
 * next to a bare `node -e` HTTP server (the least any Node server costs on this machine).
 * The median of several starts: one start is at the mercy of whatever else the machine does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { residentKiB, startServerProcess } from './server-process.js';
import { sleep } from './stats.js';

export interface StartUpFigures {
  label: string;
  runs: number;
  listeningMs: number[];
  idleRssKiB: number[];
}

/** Prints the same listening line as the servers under test, on 127.0.0.1 port 0. */
const BARE_HTTP_SERVER =
  "require('node:http').createServer((q, s) => s.end()).listen(0, '127.0.0.1', function () { console.log('bare listening http=' + this.address().port + ' device=0') })";

export const bareHttpServerArgs = ['-e', BARE_HTTP_SERVER];

interface StartUpOptions {
  label: string;
  nodeArgs: string[];
  cwd: string;
  /** The environment of each start, given a data directory kept across the starts. */
  env: (dataDir: string) => NodeJS.ProcessEnv;
  runs: number;
  /** An unmeasured start first (a first start creates the database; later ones are restarts). */
  firstStart: boolean;
  settleMs: number;
  startTimeoutMs: number;
}

export async function measureStartUp(options: StartUpOptions): Promise<StartUpFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cc-bench-start-'));
  const figures: StartUpFigures = { label: options.label, runs: options.runs, listeningMs: [], idleRssKiB: [] };
  try {
    for (let run = options.firstStart ? -1 : 0; run < options.runs; run++) {
      const server = await startServerProcess({
        label: options.label,
        nodeArgs: options.nodeArgs,
        cwd: options.cwd,
        env: options.env(dataDir),
        startTimeoutMs: options.startTimeoutMs,
        onUnexpectedExit: () => {},
      });
      try {
        await sleep(options.settleMs);
        const rss = residentKiB(server.pid);
        if (run >= 0) {
          figures.listeningMs.push(server.listeningAfterMs);
          if (rss !== null) figures.idleRssKiB.push(rss);
        }
      } finally {
        await server.stop();
      }
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return figures;
}
