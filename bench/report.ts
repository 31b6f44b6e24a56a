/** The benchmark's table (Markdown, ready for the README) and what else the run showed. */
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { HANDSHAKE_TIMEOUT_MS, type RoundFigures } from './broadcast.js';
import { CLIENT_BUSY_P99_MS, type ClientLoad } from './client-load.js';
import type { RoomLocalFigures } from './room-local.js';
import type { ServerFigures } from './server-run.js';
import type { StartUpFigures } from './start-up.js';
import { median, round2, spread } from './stats.js';
import type { AdapterFigures } from './two-adapters.js';
import type { WebBytes } from './web-bytes.js';

export interface BenchResults {
  cc: ServerFigures;
  bare: ServerFigures;
  adapters: { cc: AdapterFigures; bare: AdapterFigures } | null;
  rooms: RoomLocalFigures | null;
  starts: { cc: StartUpFigures; bare: StartUpFigures };
  web: WebBytes | null;
}

export function machine() {
  const cores = cpus();
  return {
    cpu: cores[0]?.model.trim() ?? 'unknown',
    cores: cores.length,
    memoryGiB: round2(totalmem() / 1024 ** 3),
    node: process.version,
    os: `${platform()} ${release()} ${arch()}`,
    loadAverage: loadavg().map(round2),
  };
}

const ms = (n: number | null | undefined) =>
  n === null || n === undefined || !Number.isFinite(n) ? 'n/a' : `${n < 10 ? n.toFixed(2) : n < 1000 ? n.toFixed(1) : n.toFixed(0)} ms`;
const kib = (n: number | null) => (n === null ? 'n/a' : `${n.toFixed(1)} KiB`);
const mib = (n: number | null) => (n === null ? 'n/a' : `${(n / 1024).toFixed(1)} MiB`);
const ratio = (a: number | null | undefined, b: number | null | undefined) =>
  a === null || a === undefined || b === null || b === undefined || !(b > 0) || !Number.isFinite(a) ? 'n/a' : `${(a / b).toFixed(2)}×`;
const diff = (a: number, b: number) =>
  Number.isFinite(a) && Number.isFinite(b) ? `${a - b >= 0 ? '+' : '−'}${Math.abs(a - b).toFixed(2)} ms` : 'n/a';
const bytes = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : `${(n / 1e3).toFixed(1)} kB`);
const count = (n: number | null) => (n === null ? 'n/a' : Math.round(n).toLocaleString('en-US'));

type Row = [string, string, string, string, string];

/** The last lamp (p50, p99) and the first (p50) of changes sent one way, against the floor's. */
function lampRows(sent: string, n: number, figures: RoundFigures, floor: RoundFigures, targets: { last: string; first: string }): Row[] {
  return [
    [
      `${sent} → last of ${n} lamps, p50`,
      ms(figures.lastLampMs.p50),
      ms(floor.lastLampMs.p50),
      ratio(figures.lastLampMs.p50, floor.lastLampMs.p50),
      targets.last,
    ],
    [
      `${sent} → last of ${n} lamps, p99`,
      ms(figures.lastLampMs.p99),
      ms(floor.lastLampMs.p99),
      ratio(figures.lastLampMs.p99, floor.lastLampMs.p99),
      targets.last,
    ],
    [
      `${sent} → first of ${n} lamps, p50`,
      ms(figures.firstLampMs.p50),
      ms(floor.firstLampMs.p50),
      diff(figures.firstLampMs.p50, floor.firstLampMs.p50),
      targets.first,
    ],
  ];
}

export function table(
  results: BenchResults,
  options: { rounds: number; warmup: number; batch: number; starts: number },
  load: ClientLoad,
): string {
  const { cc, bare, starts } = results;
  const m = machine();
  const startMs = { cc: median(starts.cc.listeningMs), bare: median(starts.bare.listeningMs) };
  const idleKiB = { cc: median(starts.cc.idleRssKiB), bare: median(starts.bare.idleRssKiB) };
  const rows: Row[] = [
    [
      `start → listening, median of ${options.starts} (floor: node -e http server)`,
      ms(startMs.cc),
      ms(startMs.bare),
      ratio(startMs.cc, startMs.bare),
      '≤ 1500 ms',
    ],
    [
      `server RSS idle after start, median of ${options.starts}`,
      mib(idleKiB.cc),
      mib(idleKiB.bare),
      ratio(idleKiB.cc, idleKiB.bare),
      '≤ 100 MiB',
    ],
  ];
  for (const [i, size] of cc.sizes.entries()) {
    const floor = bare.sizes[i]!;
    const n = size.lamps;
    rows.push(...lampRows('mutation sent', n, size, floor, { last: '≤ 1.15×', first: '≤ +1 ms' }), [
      `mutation answered (HTTP), ${n} lamps, p50`,
      ms(size.answeredMs.p50),
      ms(floor.answeredMs.p50),
      ratio(size.answeredMs.p50, floor.answeredMs.p50),
      '',
    ]);
    if (size.overSocket) {
      rows.push(
        ...lampRows('  sent over an open graphql-ws connection (floor: its POST)', n, size.overSocket, floor, { last: '', first: '' }),
      );
    }
  }
  rows.push(
    [
      `handshake, new lamp, one at a time (connect → packet), p50`,
      ms(cc.probe.newLampMs.p50),
      ms(bare.probe.newLampMs.p50),
      ratio(cc.probe.newLampMs.p50, bare.probe.newLampMs.p50),
      '',
    ],
    [
      `handshake, known lamp, one at a time, p50`,
      ms(cc.probe.knownLampMs.p50),
      ms(bare.probe.knownLampMs.p50),
      ratio(cc.probe.knownLampMs.p50, bare.probe.knownLampMs.p50),
      '≤ 1.5×',
    ],
    [
      `handshake, known lamp, one at a time, p99`,
      ms(cc.probe.knownLampMs.p99),
      ms(bare.probe.knownLampMs.p99),
      ratio(cc.probe.knownLampMs.p99, bare.probe.knownLampMs.p99),
      '',
    ],
    [
      `handshake, new lamps ${options.batch} at a time, p50`,
      ms(cc.handshakeMs.p50),
      ms(bare.handshakeMs.p50),
      ratio(cc.handshakeMs.p50, bare.handshakeMs.p50),
      '≤ 1.5×',
    ],
    [
      `handshake, new lamps ${options.batch} at a time, p99`,
      ms(cc.handshakeMs.p99),
      ms(bare.handshakeMs.p99),
      ratio(cc.handshakeMs.p99, bare.handshakeMs.p99),
      '',
    ],
    [
      `connect ${cc.sizes[0]?.lamps ?? 0} new lamps, ${options.batch} at a time`,
      ms(cc.connectAllMs),
      ms(bare.connectAllMs),
      ratio(cc.connectAllMs, bare.connectAllMs),
      '',
    ],
  );
  if (cc.storm && bare.storm) {
    rows.push(
      [
        `reconnect storm: ${count(cc.storm.lamps)} lamps dropped at once → all on the current packet`,
        cc.storm.allBackMs === null ? `${count(cc.storm.lampsBack)} back, gave up` : ms(cc.storm.allBackMs),
        bare.storm.allBackMs === null ? `${count(bare.storm.lampsBack)} back, gave up` : ms(bare.storm.allBackMs),
        ratio(cc.storm.allBackMs, bare.storm.allBackMs),
        '≤ 2×',
      ],
      ['reconnect storm: lamps refused or closed by the server', count(cc.storm.lampsRefused), count(bare.storm.lampsRefused), '', '0'],
      [
        `reconnect storm: lamps with an attempt unanswered for ${HANDSHAKE_TIMEOUT_MS / 1000} s (then retried)`,
        count(cc.storm.lampsTimedOut),
        count(bare.storm.lampsTimedOut),
        '',
        '',
      ],
      [
        'reconnect storm: connection attempts',
        count(cc.storm.attempts),
        count(bare.storm.attempts),
        ratio(cc.storm.attempts, bare.storm.attempts),
        '',
      ],
    );
  }
  const tp = { cc: cc.throughput, bare: bare.throughput };
  rows.push(
    [
      `changes answered per second (${tp.cc.concurrency} clients, ${tp.cc.lamps} lamps; floor: POST /broadcast)`,
      tp.cc.perSecond.toFixed(0),
      tp.bare.perSecond.toFixed(0),
      ratio(tp.cc.perSecond, tp.bare.perSecond),
      '≥ 0.9×',
    ],
    [
      '  lamps on the last state afterwards',
      `${count(tp.cc.lampsOnLast)} of ${count(tp.cc.lamps)}`,
      `${count(tp.bare.lampsOnLast)} of ${count(tp.bare.lamps)}`,
      '',
      'all',
    ],
  );
  for (const [i, size] of cc.sizes.entries()) {
    const floor = bare.sizes[i]!;
    rows.push([
      `server RSS per lamp, ${size.lamps} lamps`,
      kib(size.rssPerLampKiB),
      kib(floor.rssPerLampKiB),
      ratio(size.rssPerLampKiB, floor.rssPerLampKiB),
      '≤ 1×',
    ]);
  }
  // What each further lamp costs, without what the first ones cost once (code compiled for the
  // handshake, V8's young generation grown to its size), which the rows above include.
  const added = (sizes: ServerFigures['sizes']) => {
    const [first, last] = [sizes[0], sizes.at(-1)];
    if (!first || !last || last === first || first.rssKiB === null || last.rssKiB === null) return null;
    return round2((last.rssKiB - first.rssKiB) / (last.lamps - first.lamps));
  };
  if (cc.sizes.length >= 2) {
    const [from, to] = [cc.sizes[0]!.lamps, cc.sizes.at(-1)!.lamps];
    const [ccAdded, floorAdded] = [added(cc.sizes), added(bare.sizes)];
    rows.push([`server RSS per added lamp, ${from} → ${to} lamps`, kib(ccAdded), kib(floorAdded), ratio(ccAdded, floorAdded), '']);
  }
  rows.push(['server RSS before lamps', mib(cc.rssBeforeKiB), mib(bare.rssBeforeKiB), ratio(cc.rssBeforeKiB, bare.rssBeforeKiB), '']);
  if (results.adapters) {
    const { cc: a, bare: b } = results.adapters;
    const one = { cc: a.steps[0], bare: b.steps[0] };
    const all = { cc: a.steps.at(-1), bare: b.steps.at(-1) };
    if (one.cc && one.bare && all.cc && all.bare && a.steps.length > 1) {
      const label = `${all.cc.adapters} adapter processes × ${count(a.lampsPerAdapter)} lamps`;
      rows.push(
        [
          `${label}: mutation sent → last of ${count(all.cc.lamps)}, p50 (floor: ${all.cc.adapters} bare servers)`,
          ms(all.cc.lastLampMs.p50),
          ms(all.bare.lastLampMs.p50),
          ratio(all.cc.lastLampMs.p50, all.bare.lastLampMs.p50),
          '',
        ],
        [
          `${label}: mutation sent → last of ${count(all.cc.lamps)}, p99`,
          ms(all.cc.lastLampMs.p99),
          ms(all.bare.lastLampMs.p99),
          ratio(all.cc.lastLampMs.p99, all.bare.lastLampMs.p99),
          '',
        ],
        [
          `API CPU per change, 1 adapter (${count(one.cc.lamps)} lamps) (floor: one bare server)`,
          ms(one.cc.cpuMsPerChange),
          ms(one.bare.cpuMsPerChange),
          ratio(one.cc.cpuMsPerChange, one.bare.cpuMsPerChange),
          '',
        ],
        [
          `API CPU per change, ${all.cc.adapters} adapters (${count(all.cc.lamps)} lamps)`,
          ms(all.cc.cpuMsPerChange),
          ms(all.bare.cpuMsPerChange),
          ratio(all.cc.cpuMsPerChange, all.bare.cpuMsPerChange),
          '',
        ],
        [
          `API bytes written per change, 1 adapter → ${all.cc.adapters}`,
          `${count(one.cc.bytesPerChange)} → ${count(all.cc.bytesPerChange)}`,
          `${count(one.bare.bytesPerChange)} → ${count(all.bare.bytesPerChange)}`,
          '',
          'per adapter, not lamp',
        ],
      );
    }
  }
  if (results.rooms) {
    const r = results.rooms;
    rows.push(
      [
        `room change → socket writes (${r.lamps} lamps, ${r.rooms} rooms of ${r.roomSize})`,
        r.writesPerChange.toFixed(2),
        '—',
        '—',
        String(Math.min(r.roomSize, r.lamps)),
      ],
      ['room change → last lamp of the room, p50', ms(spread(r.roundsMs).p50), '—', '—', ''],
    );
  }
  if (results.web) {
    const web = results.web;
    const withWorkers = web.graphiql.br + web.graphiqlWorkers.br;
    rows.push(
      ['GraphiQL first load with its editor workers, brotli', bytes(withWorkers), '—', '—', '≤ 1.5 MB'],
      ['  of which page, script, stylesheet, icon / workers', `${bytes(web.graphiql.br)} / ${bytes(web.graphiqlWorkers.br)}`, '—', '—', ''],
      [
        'GraphiQL first load with workers, gzip / uncompressed',
        `${bytes(web.graphiql.gzip + web.graphiqlWorkers.gzip)} / ${bytes(web.graphiql.identity + web.graphiqlWorkers.identity)}`,
        '—',
        '—',
        '',
      ],
      ['GraphiQL repeat load (the page; its files cached), brotli', bytes(web.graphiqlPage.br), '—', '—', ''],
      [`web UI first load, brotli / gzip (page + ${web.uiFiles} files)`, `${bytes(web.ui.br)} / ${bytes(web.ui.gzip)}`, '—', '—', ''],
    );
  }
  const busiest = [...load.phases].sort((x, y) => y.p99Ms - x.p99Ms)[0];
  if (busiest) rows.push([`bench client event-loop delay, worst phase p99 (${busiest.phase})`, ms(busiest.p99Ms), '', '', '']);

  const header: Row = ['', 'cloud-cloud', 'floor', 'ratio', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [
    `Lamps: ${cc.sizes.map((s) => s.lamps).join(', ')}; ${options.rounds} measured rounds each (${options.warmup} warm-up); lamps connect ${options.batch} at a time, each with ?mac=`,
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, Node ${m.node}, ${m.os}; load average at the end ${m.loadAverage.join(' ')}`,
    'Floor: a bare ws server with the same handshake, POST /broadcast writing the packet to every lamp (start-up and idle: node -e http server)',
    '',
    line(header),
    rule,
    ...rows.map(line),
  ].join('\n');
}

/** What else the run showed: anything here is worth a look before quoting the figures. */
export function observations(results: BenchResults, load: ClientLoad): string[] {
  const notes: string[] = [];
  const { rooms } = results;
  if (rooms) {
    const expectedWrites = Math.min(rooms.roomSize, rooms.lamps);
    if (rooms.writesPerChange !== expectedWrites && rooms.lamps % rooms.roomSize === 0) {
      notes.push(`cloud-cloud: a room change cost ${rooms.writesPerChange} writes; a room has ${expectedWrites} lamps`);
    }
    if (rooms.unexpectedFrames > 0) notes.push(`cloud-cloud: ${rooms.unexpectedFrames} frames reached lamps outside the changed room`);
  }
  const first = results.cc.sizes[0]?.lamps ?? 0;
  // A GC in the server moves RSS by megabytes, which swamps what a few lamps cost.
  if (first < 500) notes.push(`RSS per lamp is mostly GC noise with only ${first} lamps; use 1000 or more for that figure`);
  for (const f of [results.cc, results.bare]) {
    if (f.handshakeRetries > 0) notes.push(`${f.label}: ${f.handshakeRetries} lamps were told to try again later (1013) and reconnected`);
    if (f.unexpectedFrames > 0) notes.push(`${f.label}: lamps received ${f.unexpectedFrames} frames other than the awaited display packet`);
    for (const [code, n] of Object.entries(f.closedByServer)) notes.push(`${f.label}: ${n} lamps closed by the server with code ${code}`);
    if (f.storm) {
      const closes = Object.entries(f.storm.closes).map(([code, n]) => `${n}× ${code}`);
      if (closes.length)
        notes.push(`${f.label}: reconnect storm, failed attempts by close code, error or timeout (phase): ${closes.join(', ')}`);
      if (f.storm.allBackMs === null)
        notes.push(`${f.label}: reconnect storm: only ${f.storm.lampsBack} lamps were back on the current packet when the bench gave up`);
    }
    if (f.throughput.lampsOnLast !== f.throughput.lamps)
      notes.push(`${f.label}: ${f.throughput.lamps - f.throughput.lampsOnLast} lamps did not end on the last state`);
    if (f.serverOutputLines > 0) {
      notes.push(`${f.label}: server wrote ${f.serverOutputLines} log lines during the run (last ones):`);
      notes.push(...f.serverOutputTail.slice(-5).map((l) => `    ${l.slice(0, 300)}`));
    }
  }
  if (results.adapters) {
    for (const a of [results.adapters.cc, results.adapters.bare]) {
      if (a.unexpectedFrames > 0) notes.push(`${a.label} (adapters): lamps received ${a.unexpectedFrames} unexpected frames`);
      for (const [code, n] of Object.entries(a.closedByServer)) notes.push(`${a.label} (adapters): ${n} lamps closed with code ${code}`);
    }
    notes.push(
      'API bytes written per change count everything the process wrote: adapter links, HTTP answers, log and database (WAL) pages',
    );
  }
  const busy = load.busyPhases().sort((x, y) => y.p99Ms - x.p99Ms);
  if (busy.length > 0) {
    // The histogram also counts time the process was not scheduled: on a busy machine it shows here too.
    const named = busy.slice(0, 4).map((p) => `"${p.phase}" p99 ${p.p99Ms} ms`);
    notes.push(
      `the bench client's own event loop lagged over ${CLIENT_BUSY_P99_MS} ms (p99) in ${busy.length} of ${load.phases.length} phases, worst ${named.join(', ')}: their figures include that delay`,
    );
  }
  if (notes.length === 0)
    notes.push('no handshake retries, no unexpected frames, no lamps closed, no server warnings, the bench client never the bottleneck');
  return notes;
}
