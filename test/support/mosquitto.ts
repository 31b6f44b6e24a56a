import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's Mosquitto; another build can be named with MOSQUITTO_PATH. */
export const MOSQUITTO_PATH = process.env.MOSQUITTO_PATH ?? '/usr/sbin/mosquitto';

/**
 * Whether MQTT tests can run here. Under CI a missing broker is a failure, not a skip:
 * `.ci/run` installs it.
 */
export function brokerAvailable(): boolean {
  if (existsSync(MOSQUITTO_PATH)) return true;
  if (process.env.CI === 'true') throw new Error(`CI=true but no MQTT broker at ${MOSQUITTO_PATH}: install Debian's mosquitto`);
  return false;
}

/** Optional user name and password the broker demands of every client. */
export interface BrokerOptions {
  username?: string;
  password?: string;
}

/**
 * A real Mosquitto broker on 127.0.0.1 and a free port, for one test file. `stop` and `start`
 * take it away and bring it back on the same port, as a broker restart would.
 */
export class TestBroker {
  #process: ChildProcess | null = null;
  #output = '';

  private constructor(
    readonly port: number,
    readonly directory: string,
  ) {}

  static async start(options: BrokerOptions = {}): Promise<TestBroker> {
    const directory = await mkdtemp(join(tmpdir(), 'cc-broker-'));
    // Started as root, mosquitto drops to its own user, which must still read its files.
    await chmod(directory, 0o755);
    const port = await freePort();
    const lines = [`listener ${port} 127.0.0.1`, 'persistence false', 'log_dest stdout', 'log_type error', 'log_type warning'];
    if (options.username !== undefined) {
      // Mosquitto only reads hashed password files; its own tool writes one.
      const passwords = join(directory, 'passwords');
      await run('mosquitto_passwd', ['-c', '-b', passwords, options.username, options.password ?? '']);
      await chmod(passwords, 0o644);
      lines.push('allow_anonymous false', `password_file ${passwords}`);
    } else {
      lines.push('allow_anonymous true');
    }
    await writeFile(join(directory, 'mosquitto.conf'), lines.join('\n') + '\n');
    const broker = new TestBroker(port, directory);
    await broker.start();
    return broker;
  }

  /** `mqtt://127.0.0.1:<port>` */
  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.#process !== null;
  }

  /** Starts the broker (again) on its port and waits until it accepts connections. */
  async start(): Promise<void> {
    if (this.#process) return;
    const child = spawn(MOSQUITTO_PATH, ['-c', join(this.directory, 'mosquitto.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => (this.#output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (this.#output += chunk.toString()));
    this.#process = child;
    const exited = new Promise<never>((_resolve, reject) =>
      child.once('exit', (code) => reject(new Error(`mosquitto exited with ${String(code)}: ${this.#output.trim()}`))),
    );
    exited.catch(() => undefined);
    child.once('exit', () => {
      if (this.#process === child) this.#process = null;
    });
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (await accepts(this.port)) return;
      if (Date.now() > deadline) throw new Error(`mosquitto did not listen on ${this.port}: ${this.#output.trim()}`);
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 50))]);
    }
  }

  /** Stops the broker and waits until it has exited (its clients see the connection drop). */
  async stop(): Promise<void> {
    const child = this.#process;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
    this.#process = null;
  }

  /** Stops the broker for good and removes its files. */
  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.directory, { recursive: true, force: true });
  }
}

const run = promisify(execFile);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
