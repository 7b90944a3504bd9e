/**
 * The replay row of `npm run bench` (also alone: `npm run bench:replay`): `cdk8s-netpol replay` of the compiled CLI on
 * 200,000 flow lines over 2,000 pods in 20 namespaces on 30 nodes, in a fresh process whose peak RSS is measured,
 * against the floor measured in the same run: a plain script that only reads the same file line by line and
 * JSON-parses each line (timed inside its process, without start-up). Goal (issue 21): at most 2x the floor, under
 * 1 GiB. Writes its section of docs/benchmarks.md between the `replay` markers.
 *
 * Knobs: BENCH_REPLAY_LINES (default 200000), BENCH_REPLAY_REPS (default 2; each figure the best), BENCH_OUT.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT } from '../lib/child';
import { cli, compile, withSection } from '../scale/run';

export const REPLAY_BEGIN = '<!-- replay:begin -->';
export const REPLAY_END = '<!-- replay:end -->';

const NAMESPACES = 20;
const PODS_PER_NAMESPACE = 100;
const SERVICES = 10;
const NODES = 30;

const log = (s = '') => process.stdout.write(s + '\n');
const f0 = (x: number) => Math.round(x).toLocaleString('en-US');

/** A deterministic pseudo-random sequence (the same input every run). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const podIp = (ns: number, i: number) => `10.${ns}.${Math.floor(i / 250)}.${(i % 250) + 1}`;

/** The cluster's objects and the candidate policies: per namespace, services svc-0..9 that call the next one on 8080. */
function clusterYaml(): string {
  const docs: string[] = [];
  for (let n = 0; n < NODES; n++) {
    docs.push(`apiVersion: v1\nkind: Node\nmetadata: {name: node-${n}}\nstatus: {addresses: [{type: InternalIP, address: 192.168.${Math.floor(n / 250)}.${(n % 250) + 1}}]}`);
  }
  for (let ns = 0; ns < NAMESPACES; ns++) {
    docs.push(`apiVersion: v1\nkind: Namespace\nmetadata: {name: team-${ns}}`);
    for (let i = 0; i < PODS_PER_NAMESPACE; i++) {
      docs.push(`apiVersion: v1\nkind: Pod\nmetadata: {name: svc-${i % SERVICES}-${i}, namespace: team-${ns}, labels: {app: svc-${i % SERVICES}}}\n`
        + `spec: {containers: [{name: c, image: x, ports: [{name: http, containerPort: 8080}, {name: metrics, containerPort: 9090}]}]}\nstatus: {podIP: ${podIp(ns, i)}}`);
    }
    docs.push(`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: default-deny, namespace: team-${ns}}\nspec: {podSelector: {}, policyTypes: [Ingress]}`);
    for (let s = 1; s < SERVICES; s++) {
      docs.push(`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: svc-${s}, namespace: team-${ns}}\n`
        + `spec: {podSelector: {matchLabels: {app: svc-${s}}}, ingress: [{from: [{podSelector: {matchLabels: {app: svc-${s - 1}}}}], ports: [{port: http}]}]}`);
    }
  }
  return docs.join('\n---\n') + '\n';
}

/** Flow lines as hubble observe -o jsonpb writes them: requests, replies, overlay packets, drops, DNS to world. */
function flowLines(count: number): string {
  const next = rng(42);
  const pick = (n: number) => Math.floor(next() * n);
  const end = (ns: number, i: number) => ({
    ID: 100 + i,
    identity: 20000 + ns * 10 + (i % SERVICES),
    namespace: `team-${ns}`,
    labels: [`k8s:app=svc-${i % SERVICES}`, `k8s:io.kubernetes.pod.namespace=team-${ns}`],
    pod_name: `svc-${i % SERVICES}-${i}`,
  });
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    const ns = pick(NAMESPACES);
    const i = pick(PODS_PER_NAMESPACE);
    const svc = i % SERVICES;
    // The next service's pods, mostly on 8080 (allowed), sometimes 9090 (a break under the candidate).
    const j = ((svc + 1) % SERVICES) + SERVICES * pick(PODS_PER_NAMESPACE / SERVICES);
    const port = next() < 0.9 ? 8080 : 9090;
    const node = `kind/node-${pick(NODES)}`;
    const time = `2026-12-01T${String(10 + Math.floor(k / 40000)).padStart(2, '0')}:${String(Math.floor(k / 700) % 60).padStart(2, '0')}:00.${String(k % 1e9).padStart(9, '0')}Z`;
    const kind = next();
    const request = { source_port: 30000 + pick(30000), destination_port: port };
    let flow: object;
    if (kind < 0.45) {
      flow = {
        time,
        verdict: 'FORWARDED',
        IP: { source: podIp(ns, i), destination: podIp(ns, j), ipVersion: 'IPv4' },
        l4: { TCP: { ...request, flags: { ACK: true, PSH: true } } },
        source: end(ns, i),
        destination: end(ns, j),
        Type: 'L3_L4',
        node_name: node,
        event_type: { type: 4 },
        traffic_direction: 'INGRESS',
        trace_observation_point: 'TO_ENDPOINT',
        is_reply: false,
        Summary: 'TCP Flags: ACK, PSH',
      };
    } else if (kind < 0.8) {
      flow = {
        time,
        verdict: 'FORWARDED',
        IP: { source: podIp(ns, j), destination: podIp(ns, i), ipVersion: 'IPv4' },
        l4: { TCP: { source_port: port, destination_port: request.source_port, flags: { ACK: true } } },
        source: end(ns, j),
        destination: end(ns, i),
        Type: 'L3_L4',
        node_name: node,
        event_type: { type: 4 },
        traffic_direction: 'EGRESS',
        trace_observation_point: 'TO_ENDPOINT',
        is_reply: true,
        Summary: 'TCP Flags: ACK',
      };
    } else if (kind < 0.95) {
      flow = {
        time,
        verdict: 'FORWARDED',
        IP: { source: podIp(ns, i), destination: podIp(ns, j), ipVersion: 'IPv4' },
        l4: { TCP: { ...request, flags: { ACK: true } } },
        source: end(ns, i),
        destination: end(ns, j),
        Type: 'L3_L4',
        node_name: node,
        event_type: { type: 4, sub_type: 4 },
        trace_observation_point: 'TO_OVERLAY',
        Summary: 'TCP Flags: ACK',
      };
    } else {
      flow = {
        time,
        verdict: 'FORWARDED',
        IP: { source: podIp(ns, i), destination: '203.0.113.53', ipVersion: 'IPv4' },
        l4: { UDP: { source_port: request.source_port, destination_port: 53 } },
        source: end(ns, i),
        destination: { identity: 2, labels: ['reserved:world'] },
        Type: 'L3_L4',
        node_name: node,
        event_type: { type: 4, sub_type: 11 },
        traffic_direction: 'EGRESS',
        is_reply: false,
        Summary: 'UDP',
      };
    }
    out.push(JSON.stringify({ flow, node_name: node, time }));
  }
  return out.join('\n') + '\n';
}

const FLOOR_SCRIPT = `
const fs = require('fs');
const file = process.argv[2];
const t0 = performance.now();
const fd = fs.openSync(file, 'r');
const chunk = Buffer.alloc(1024 * 1024);
let rest = '';
let lines = 0;
for (;;) {
  const n = fs.readSync(fd, chunk, 0, chunk.length, null);
  if (n === 0) break;
  const parts = (rest + chunk.toString('utf8', 0, n)).split('\\n');
  rest = parts.pop();
  for (const line of parts) { if (line) { JSON.parse(line); lines++; } }
}
if (rest) { JSON.parse(rest); lines++; }
process.stdout.write(JSON.stringify({ ms: performance.now() - t0, lines }) + '\\n');
`;

export function runReplay(): string {
  const lineCount = Number(process.env.BENCH_REPLAY_LINES ?? 200_000);
  const reps = Number(process.env.BENCH_REPLAY_REPS ?? 2);
  log('replay row (compiling src/ to bench/out/lib first)');
  compile();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-replay-'));
  const flows = path.join(dir, 'flows.jsonl');
  const cluster = path.join(dir, 'cluster.yaml');
  fs.writeFileSync(flows, flowLines(lineCount));
  fs.writeFileSync(cluster, clusterYaml());
  const floorJs = path.join(dir, 'floor.js');
  fs.writeFileSync(floorJs, FLOOR_SCRIPT);
  const flowMB = fs.statSync(flows).size / 1024 / 1024;
  let best = { ms: Infinity, peakRssMB: Infinity, floorMs: Infinity, outputBytes: 0 };
  for (let r = 0; r < reps; r++) {
    const floorRun = spawnSync(process.execPath, [floorJs, flows], { encoding: 'utf8', maxBuffer: 1024 * 1024 });
    if (floorRun.status !== 0) throw new Error(`floor script failed: ${floorRun.stderr}`);
    const floorMs = JSON.parse(floorRun.stdout.trim()).ms as number;
    const m = cli(['replay', flows, cluster, '-o', 'json'], path.join(dir, 'out.json'));
    log(`  run ${r + 1}: replay ${f0(m.ms)} ms, ${f0(m.peakRssMB)} MB; floor (read + JSON.parse) ${f0(floorMs)} ms`);
    best = {
      ms: Math.min(best.ms, m.ms),
      peakRssMB: Math.min(best.peakRssMB, m.peakRssMB),
      floorMs: Math.min(best.floorMs, floorMs),
      outputBytes: m.outputBytes,
    };
  }
  const out = JSON.parse(fs.readFileSync(path.join(dir, 'out.json'), 'utf8'));
  const ratio = best.ms / best.floorMs;
  const met = ratio <= 2 && best.peakRssMB < 1024;
  return [
    REPLAY_BEGIN,
    '## 5. Replay: recorded flows against candidate policies',
    '',
    `Run: \`npm run bench:replay\` on ${new Date().toISOString()} (${os.cpus()[0]?.model.split(' ').slice(0, 2).join(' ')}, ${os.cpus().length} logical CPUs, Node.js ${process.version}; the machine is shared, so times are noisy). bench/replay/run.ts writes ${f0(lineCount)} flow lines as \`hubble observe -o jsonpb\` writes them (${flowMB.toFixed(1)} MB: requests, replies, overlay packets without is_reply, DNS to the world) over ${NAMESPACES * PODS_PER_NAMESPACE} pods in ${NAMESPACES} namespaces on ${NODES} nodes, and replays them with the compiled CLI (\`replay flows.jsonl cluster.yaml -o json\`, a fresh process: start-up, reading the manifests, the flows, judging, output). The floor is a plain script that only reads the same file line by line and JSON-parses each line, timed inside its process, in the same run. Goal (issue 21): at most 2x the floor, under 1 GiB peak RSS. Times are the best of ${reps} runs.`,
    '',
    '| flow lines | MB | connections | breaks | replay ms | floor ms | x floor | peak RSS MB | goal |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    `| ${f0(lineCount)} | ${flowMB.toFixed(1)} | ${f0(out.connections.length)} | ${f0(out.breaks)} | ${f0(best.ms)} | ${f0(best.floorMs)} | ${ratio.toFixed(2)}x | ${f0(best.peakRssMB)} | ${met ? 'met' : '**missed**'} (2x, 1 GiB) |`,
    '',
    REPLAY_END,
  ].join('\n');
}

/** Puts the replay section into a benchmarks document, replacing an earlier one. */
export function withReplaySection(doc: string, section: string): string {
  return withSection(doc, REPLAY_BEGIN, REPLAY_END, section);
}

if (require.main === module) {
  const out = process.env.BENCH_OUT ?? path.join(ROOT, 'docs', 'benchmarks.md');
  const section = runReplay();
  log(section);
  fs.writeFileSync(out, withReplaySection(fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '# Benchmarks\n', section));
  log(`wrote ${path.relative(ROOT, out)}`);
}
