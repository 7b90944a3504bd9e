import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import * as fc from 'fast-check';
import { Reachability } from '../../src';
import { buildApp } from '../../src/generate/app';
import { planIntents } from '../../src/generate/plan';
import { renderApp } from '../../src/generate/render';
import { flowLine } from '../replay/util';
import { clusterArb } from '../semantics/arbitraries';
import { runCli as run } from '../util/cli';

const dir = path.join(__dirname, '..', 'fixtures', 'replay');
const flows = path.join(dir, 'flows.jsonl');
const cluster = path.join(dir, 'cluster.yaml');
const ROOT = path.join(__dirname, '..', '..');

/** The cluster's objects and policies of an app, for a replay: the app's policies replace none (the input has none). */
function proofOf(objects: any[], app: App, lines: string): ReturnType<Reachability['replay']> {
  const policies = app.charts.flatMap((c) => c.toJson());
  return Reachability.fromObjects([...objects.filter((o) => o.kind !== 'NetworkPolicy'), ...policies]).replay(lines);
}

describe('generate', () => {
  test('writes main.ts with a ZeroTrustNamespace, tiers and the recorded flows, proven by replay; byte-identical on re-runs', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'generate-'));
    const r = run(['generate', flows, cluster, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/proof, the flows replayed against it: 0 breaks/);
    const text = fs.readFileSync(path.join(out, 'main.ts'), 'utf8');
    expect(text).toContain("new ZeroTrustNamespace(chart0, 'namespace', { name: 'shop' });");
    expect(text).toContain("{ source: shopWeb, destination: shopApi, ports: [Port.named('http')] },");
    expect(text).toContain("{ source: shopWeb, destination: Peer.cidr('203.0.113.9/32'), ports: [Port.tcp(443)] },");
    // Seen only as a drop: listed, not written.
    expect(text).toMatch(/denied attempt \(seen only as a policy drop\): shop\/web -> shop\/api TCP\/5432/);
    expect(text).not.toMatch(/5432/.source + '\\]'); // no Port for it
    expect(text).toMatch(/Never seen in the window.*shop\/report/);
    run(['generate', flows, cluster, '--out', out]);
    expect(fs.readFileSync(path.join(out, 'main.ts'), 'utf8')).toBe(text);
    // --include-dropped writes the attempt too.
    run(['generate', flows, cluster, '--out', out, '--include-dropped']);
    expect(fs.readFileSync(path.join(out, 'main.ts'), 'utf8')).toContain('Port.tcp(5432)');
  });

  test('main.ts type-checks under strict, runs, and synthesizes what the command proved', () => {
    // Inside the checkout, so that main.ts resolves cdk8s and constructs from its node_modules.
    fs.mkdirSync(path.join(ROOT, 'test-reports'), { recursive: true });
    const out = fs.mkdtempSync(path.join(ROOT, 'test-reports', 'generate-'));
    try {
      expect(run(['generate', flows, cluster, '--out', out]).code).toBe(0);
      // Resolve 'cdk8s-netpol' to this checkout's sources.
      const main = path.join(out, 'main.ts');
      fs.writeFileSync(main, fs.readFileSync(main, 'utf8').replace("from 'cdk8s-netpol'", `from ${JSON.stringify(path.relative(out, path.join(ROOT, 'src')))}`));
      const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--target', 'ES2020',
        '--module', 'commonjs', '--moduleResolution', 'node', '--esModuleInterop', '--skipLibCheck', '--experimentalDecorators', main], { encoding: 'utf8' });
      expect(tsc.stdout + tsc.stderr).toBe('');
      const dist = path.join(out, 'dist');
      const ran = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', main], {
        cwd: ROOT, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: dist, TS_NODE_PROJECT: path.join(ROOT, 'test', 'tsconfig.json') },
      });
      expect(ran.status).toBe(0);
      const written = fs.readdirSync(dist).sort().map((f) => fs.readFileSync(path.join(dist, f), 'utf8')).join('---\n');
      // The same plan, built in process (what the proof replayed).
      const observed = Reachability.fromYaml(fs.readFileSync(cluster, 'utf8'));
      const plan = planIntents(observed._cluster(), observed.replay(fs.readFileSync(flows, 'utf8')).connections);
      const app = buildApp(plan, new App({ outdir: path.join(out, 'inproc') }));
      app.synth();
      const inproc = fs.readdirSync(path.join(out, 'inproc')).sort().map((f) => fs.readFileSync(path.join(out, 'inproc', f), 'utf8')).join('---\n');
      expect(written).toBe(inproc);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);

  test('usage: --out is required, stdin is refused (the flows are read twice)', () => {
    expect(run(['generate', flows, cluster]).code).toBe(2);
    expect(run(['generate', '-', cluster, '--out', os.tmpdir()]).code).toBe(2);
    expect(run(['generate', '--help']).stdout).toMatch(/^Usage: cdk8s-netpol generate FLOWS MANIFESTS\.\.\. --out DIR/);
  });

  test('--namespace narrows the owned namespaces: pods elsewhere become peers', () => {
    const objects = [
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'a', labels: { 'app': 'web', 'pod-template-hash': '5d8f' } }, spec: { containers: [{ name: 'c', image: 'x' }] }, status: { podIP: '10.0.0.1' } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'db', namespace: 'b', labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'x', ports: [{ name: 'pg', containerPort: 5432 }] }] }, status: { podIP: '10.0.0.2' } },
    ];
    const lines = flowLine({ ip: '10.0.0.1', namespace: 'a', pod: 'web' }, { ip: '10.0.0.2', namespace: 'b', pod: 'db', port: 5432 }, { isReply: false });
    const reach = Reachability.fromObjects(objects);
    const plan = planIntents(reach._cluster(), reach.replay(lines).connections, { namespaces: ['b'] });
    expect(plan.namespaces).toEqual(['b']);
    const text = renderApp(plan, []);
    expect(text).toContain("{ source: Peer.pods({ namespaceName: 'a', pods: PodSelection.labels({ app: 'web' }) }), destination: bDb, ports: [Port.named('pg')] },");
    expect(proofOf(objects, buildApp(plan), lines).breaks).toEqual([]);
  });
});

describe('generate, then replay: no break on random recorded sets', () => {
  test('every written connection replays as allowed against the generated app', () => {
    const picks = fc.array(fc.tuple(fc.nat(4), fc.nat(4), fc.constantFrom(80, 8080, 53, 443), fc.boolean()), { minLength: 1, maxLength: 8 });
    fc.assert(fc.property(clusterArb, picks, (objs, chosen) => {
      const objects = objs.filter((o: any) => o.kind !== 'NetworkPolicy');
      const reach = Reachability.fromObjects(objects);
      const pods = reach._cluster().endpoints.filter((e) => e.ips.length > 0);
      if (pods.length === 0) return;
      const ip = (e: typeof pods[number]) => `10.0.0.${Number(e.ips[0].value & 255n)}`;
      const lines = chosen.map(([i, j, port, outside]) => {
        const a = pods[i % pods.length];
        const b = pods[j % pods.length];
        const [ns, name] = a.id.split('/');
        const [ns2, name2] = b.id.split('/');
        const protocol = port === 53 ? 'UDP' : 'TCP';
        return outside
          ? flowLine({ ip: ip(a), namespace: ns, pod: name }, { ip: '203.0.113.7', port, labels: ['reserved:world'] }, { protocol, isReply: false })
          : flowLine({ ip: ip(a), namespace: ns, pod: name }, { ip: ip(b), namespace: ns2, pod: name2, port }, { protocol, isReply: false });
      }).join('\n');
      const recorded = reach.replay(lines);
      const plan = planIntents(reach._cluster(), recorded.connections);
      const proof = proofOf(objects, buildApp(plan), lines);
      // Only connections the plan could not write (a pod without labels) may break.
      const notWritten = plan.notWritten.join('\n');
      for (const b of proof.breaks) expect(notWritten).toContain(`${b.source} -> ${b.destination} ${b.protocol}/${b.port}`);
    }), { numRuns: 60 });
  });
});

describe('generate: presets, outside addresses and their names', () => {
  const objects = [
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x', ports: [{ name: 'http', containerPort: 8080 }] }] }, status: { podIP: '10.0.0.1' } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ctrl', namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' } }, spec: { containers: [{ name: 'c', image: 'x' }] }, status: { podIP: '10.0.0.2' } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, spec: { containers: [{ name: 'c', image: 'x', ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }] }] }, status: { podIP: '10.0.0.3' } },
  ];
  const web = { ip: '10.0.0.1', namespace: 'shop', pod: 'web' };
  const lines = [
    flowLine({ ip: '10.0.0.2', namespace: 'ingress-nginx', pod: 'ctrl' }, { ...web, port: 8080 }, { isReply: false }),
    flowLine(web, { ip: '10.0.0.3', namespace: 'kube-system', pod: 'coredns', port: 53 }, { protocol: 'UDP', isReply: false }),
    flowLine(web, { ip: '203.0.113.9', port: 443, labels: ['reserved:world'] }, { isReply: false }),
    flowLine(web, { ip: '203.0.113.10', port: 443, labels: ['reserved:world'] }, { isReply: false }),
  ];
  // destination_names, as the DNS proxy cache fills them.
  const named = lines.map((l) => (l.includes('203.0.113.9') ? l.replace('"Summary"', '"destination_names":["api.example.com"],"Summary"') : l)).join('\n');
  const reach = Reachability.fromObjects(objects);
  const recorded = reach.replay(named);

  test('pods a preset fits are written as the preset; DNS to the cluster DNS is left to the ZeroTrustNamespace', () => {
    // By default every observed namespace but kube-system is owned (ingress-nginx too): own shop alone.
    expect(planIntents(reach._cluster(), recorded.connections).namespaces).toEqual(['ingress-nginx', 'shop']);
    const plan = planIntents(reach._cluster(), recorded.connections, { namespaces: ['shop'] });
    const text = renderApp(plan, []);
    expect(text).toContain("{ source: Peer.ingressController(), destination: shopWeb, ports: [Port.named('http')] },");
    expect(text).not.toMatch(/kubeDns/);
    expect(plan.notWritten).toContain('DNS, allowed by the ZeroTrustNamespace\'s DNS carve-out: shop/web -> kube-system/coredns UDP/53');
    expect(proofOf(objects, buildApp(plan), named).breaks).toEqual([]);
  });

  test('outside addresses: one /32 each, commented with the names the flows saw; --external-blocks and --aggregate group them', () => {
    expect(recorded.connections.find((c) => c.destination === '203.0.113.9')!.destinationNames).toEqual(['api.example.com']);
    const each = renderApp(planIntents(reach._cluster(), recorded.connections), []);
    expect(each).toContain("    // api.example.com\n    { source: shopWeb, destination: Peer.cidr('203.0.113.9/32'), ports: [Port.tcp(443)] },");
    expect(each).toContain("{ source: shopWeb, destination: Peer.cidr('203.0.113.10/32'), ports: [Port.tcp(443)] },");
    const blocks = planIntents(reach._cluster(), recorded.connections, { externalBlocks: [{ family: 4, network: 0xcb007100n, prefix: 24, hostBitsSet: false, text: '203.0.113.0/24' } as any] });
    expect(blocks.flows.filter((f) => 'cidr' in f.destination).map((f) => (f.destination as any).cidr)).toEqual(['203.0.113.0/24']);
    const aggregated = planIntents(reach._cluster(), recorded.connections, { aggregate: 16 });
    expect(aggregated.flows.filter((f) => 'cidr' in f.destination).map((f) => (f.destination as any).cidr)).toEqual(['203.0.0.0/16']);
    expect(proofOf(objects, buildApp(aggregated), named).breaks).toEqual([]);
  });

  test('a name that is not a DNS name is not repeated', () => {
    const hostile = lines[2].replace('"Summary"', '"destination_names":["x\\n// injected", "ok.example"],"Summary"');
    expect(reach.replay(hostile).connections[0].destinationNames).toEqual(['ok.example']);
  });
});

describe('generate: groups', () => {
  const owned = (name: string, labels: { [k: string]: string }, owner: { kind: string; name: string }, ip: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop', labels, ownerReferences: [{ apiVersion: 'apps/v1', kind: owner.kind, name: owner.name, uid: 'u', controller: true }] },
    spec: { containers: [{ name: 'c', image: 'x', ports: [{ name: 'http', containerPort: 8080 }] }] },
    status: { podIP: ip },
  });
  test('replicas are one tier, selected without per-rollout labels and named after their workload', () => {
    const objects = [
      owned('storefront-5d8f9c-abcde', { 'app': 'web', 'pod-template-hash': '5d8f9c' }, { kind: 'ReplicaSet', name: 'storefront-5d8f9c' }, '10.0.0.1'),
      owned('storefront-5d8f9c-fghij', { 'app': 'web', 'pod-template-hash': '5d8f9c' }, { kind: 'ReplicaSet', name: 'storefront-5d8f9c' }, '10.0.0.2'),
      owned('orders-0', { 'app': 'orders', 'statefulset.kubernetes.io/pod-name': 'orders-0', 'controller-revision-hash': 'orders-7c9' }, { kind: 'StatefulSet', name: 'orders' }, '10.0.0.3'),
      owned('report-29001234-x1', { 'app': 'report', 'job-name': 'report-29001234', 'batch.kubernetes.io/job-name': 'report-29001234' }, { kind: 'Job', name: 'report-29001234' }, '10.0.0.4'),
    ];
    const end = (name: string, ip: string, port?: number) => ({ ip, namespace: 'shop', pod: name, ...(port ? { port } : {}) });
    const lines = [
      flowLine(end('storefront-5d8f9c-abcde', '10.0.0.1'), end('orders-0', '10.0.0.3', 8080), { isReply: false }),
      flowLine(end('storefront-5d8f9c-fghij', '10.0.0.2'), end('orders-0', '10.0.0.3', 8080), { isReply: false }),
      flowLine(end('report-29001234-x1', '10.0.0.4'), end('orders-0', '10.0.0.3', 8080), { isReply: false }),
    ].join('\n');
    const reach = Reachability.fromObjects(objects);
    const plan = planIntents(reach._cluster(), reach.replay(lines).connections);
    expect(plan.tiers.map((t) => `${t.id} ${JSON.stringify(t.labels)}`)).toEqual([
      'orders {"app":"orders"}',
      'report {"app":"report"}',
      'storefront {"app":"web"}',
    ]);
    expect(plan.flows).toHaveLength(2);
    expect(proofOf(objects, buildApp(plan), lines).breaks).toEqual([]);
  });
});
