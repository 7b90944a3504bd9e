/**
 * Output economy: the secure-app example's NetworkPolicies against hand-written sets (bench/fixtures), by number of
 * objects and YAML bytes, and by what they let through, as decided by the reachability engine.
 *
 *   npx ts-node --project test/tsconfig.json bench/economy.ts
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { SecureApp } from '../examples/secure-app/app';
import { EgressAllowList, Peer, PodSelection, Port, Reachability, Tier, TierAccess, ZeroTrustNamespace } from '../src';

export interface PolicySet {
  readonly name: string;
  readonly description: string;
  readonly objects: number;
  /** Bytes of the YAML as stored (a fixture file with its comments, or our synthesized YAML). */
  readonly bytes: number;
  /** Bytes of the policies serialized by cdk8s's YAML writer, comments dropped. */
  readonly serializedBytes: number;
  /** The same, without the cdk8s-netpol.dev/* annotations. */
  readonly bytesWithoutAnnotations: number;
  /** Allowed flows that differ from ours (`+` allowed only here, `-` denied only here). */
  readonly differences: string[];
  readonly allowedFlows: number;
}

export interface EconomyResult {
  readonly sets: PolicySet[];
  readonly flowsChecked: number;
  readonly portsChecked: string[];
}

const FIXTURES = path.join(__dirname, 'fixtures');

/**
 * The example's intents with the backend's external egress in a separate `EgressAllowList` instead of a flow to
 * `Peer.cidr`: the allow list selects the backend tier's pods, so its destinations land in `backend-flows` too.
 */
class SecureAppWithAllowList extends Chart {
  constructor(scope: App, id: string) {
    super(scope, id, { namespace: 'secure-app' });
    new ZeroTrustNamespace(this, 'namespace', { name: 'secure-app' });
    for (const [name, port] of [['frontend', 80], ['backend', 80], ['database', 5432]] as [string, number][]) {
      new kplus.Deployment(this, name, {
        metadata: { name },
        podMetadata: { labels: { app: name } },
        containers: [{ name, image: 'img', ports: [{ number: port }], securityContext: { ensureNonRoot: false } }],
      });
    }
    const tier = (name: string) => new Tier(this, `${name}-tier`, { name, pods: PodSelection.labels({ app: name }) });
    const [frontend, backend, database] = [tier('frontend'), tier('backend'), tier('database')];
    new TierAccess(this, 'tiers', {
      flows: [
        { source: frontend, destination: backend, ports: [Port.tcp(80)] },
        { source: backend, destination: database, ports: [Port.tcp(5432)] },
      ],
    });
    new EgressAllowList(this, 'backend-external', {
      pods: PodSelection.labels({ app: 'backend' }),
      destinations: [{ peer: Peer.cidr('203.0.113.0/24'), ports: [Port.tcp(443)] }],
    });
  }
}

const KUBE_DNS = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
  spec: { containers: [{ name: 'coredns', image: 'coredns/coredns' }] },
};
const PORTS = [Port.tcp(80), Port.tcp(5432), Port.tcp(443), Port.DNS_UDP, Port.DNS_TCP];
const OUTSIDE = ['203.0.113.10', '198.51.100.10'];

const isPolicy = (o: any) => o.kind === 'NetworkPolicy';

function withoutAnnotations(policy: any): any {
  const copy = JSON.parse(JSON.stringify(policy));
  const annotations = copy.metadata?.annotations ?? {};
  for (const key of Object.keys(annotations)) if (key.startsWith('cdk8s-netpol.dev/')) delete annotations[key];
  if (copy.metadata?.annotations && Object.keys(annotations).length === 0) delete copy.metadata.annotations;
  return copy;
}

/** Every allowed flow between the app's workloads, the cluster DNS and two outside addresses, on the ports in play. */
function allowedFlows(workloads: any[], policies: any[]): Set<string> {
  const reach = Reachability.fromObjects([...workloads, KUBE_DNS, ...policies]);
  const ends = [...reach.endpoints(), ...OUTSIDE];
  const out = new Set<string>();
  for (const a of ends) {
    for (const b of ends) {
      if (a === b || (OUTSIDE.includes(a) && OUTSIDE.includes(b))) continue;
      for (const port of PORTS) if (reach.isAllowed(a, b, port)) out.add(`${a} -> ${b} on ${port}`);
    }
  }
  return out;
}

export function runEconomy(): EconomyResult {
  const app = new App();
  const ours = new SecureApp(app, 'secure-app').toJson();
  const withAllowList = new SecureAppWithAllowList(new App(), 'secure-app').toJson();
  const workloads = ours.filter((o) => !isPolicy(o));
  const reference = allowedFlows(workloads, ours.filter(isPolicy));

  const sets: PolicySet[] = [];
  const add = (name: string, description: string, policies: any[], stored: string | undefined, flowWorkloads = workloads) => {
    const allowed = allowedFlows(flowWorkloads, policies);
    const differences = [
      ...[...allowed].filter((f) => !reference.has(f)).map((f) => `+ ${f}`),
      ...[...reference].filter((f) => !allowed.has(f)).map((f) => `- ${f}`),
    ];
    const serialized = Yaml.stringify(...policies);
    sets.push({
      name,
      description,
      objects: policies.length,
      bytes: Buffer.byteLength(stored ?? serialized),
      serializedBytes: Buffer.byteLength(serialized),
      bytesWithoutAnnotations: Buffer.byteLength(Yaml.stringify(...policies.map(withoutAnnotations))),
      differences,
      allowedFlows: allowed.size,
    });
  };

  add('ours', 'examples/secure-app as is: tiers selected by workload (the Deployments select their pods by `app`), '
    + 'the backend\'s external egress a flow to `Peer.cidr`, in its tier policy', ours.filter(isPolicy), undefined);
  add('ours, separate EgressAllowList', 'the same intents with the backend\'s external egress in an `EgressAllowList`',
    withAllowList.filter(isPolicy), undefined, withAllowList.filter((o) => !isPolicy(o)));
  for (const [file, name, description] of [
    ['secure-app-handwritten.yaml', 'careful hand-written (working)', 'bench/fixtures/secure-app-handwritten.yaml: both sides of each flow, DNS carve-out, one policy per pod'],
    ['secure-app-seeds-minimal.yaml', 'seeds\' minimal set', 'bench/fixtures/secure-app-seeds-minimal.yaml: deny-all, 2 ingress flows, backend egress, DNS'],
  ]) {
    const text = fs.readFileSync(path.join(FIXTURES, file), 'utf8');
    add(name, description, Yaml.load(path.join(FIXTURES, file)).filter(isPolicy), text);
  }
  const endpoints = Reachability.fromObjects([...workloads, KUBE_DNS]).endpoints().length + OUTSIDE.length;
  return { sets, flowsChecked: endpoints * (endpoints - 1) - OUTSIDE.length * (OUTSIDE.length - 1), portsChecked: PORTS.map(String) };
}

if (require.main === module) {
  const r = runEconomy();
  for (const s of r.sets) {
    console.log(`${s.name.padEnd(32)} objects=${s.objects} bytes=${s.bytes} serialized=${s.serializedBytes} `
      + `noAnnotations=${s.bytesWithoutAnnotations} allowed=${s.allowedFlows} differences=${s.differences.length}`);
    for (const d of s.differences) console.log(`    ${d}`);
  }
}
