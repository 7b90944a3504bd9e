import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as yaml from 'yaml';
import { guardedPlatform } from '../../examples/guardrails/app';
import { GuardrailRendering, NetpolLint, Peer, PodSelection, Port, Reachability } from '../../src';
import { parseClusterPolicy } from '../../src/semantics/cluster-policy';
import { addPod, schemaProblems } from '../util/synth';

/**
 * Pods the app does not own, in the platform namespaces and in the sandbox: the cluster DNS, Prometheus and a
 * neighbour of it, the ingress controller, and a developer's pod in the sandbox namespace (labelled env=dev).
 */
function clusterPods(app: App): void {
  const chart = new Chart(app, 'cluster-pods');
  const metrics = { ports: [{ name: 'metrics', containerPort: 9090 }] };
  addPod(chart, 'kube-system', 'coredns', { 'k8s-app': 'kube-dns' });
  addPod(chart, 'monitoring', 'prometheus', { 'app.kubernetes.io/name': 'prometheus' });
  addPod(chart, 'monitoring', 'grafana', { 'app.kubernetes.io/name': 'grafana' }, metrics);
  addPod(chart, 'ingress-nginx', 'controller', { 'app.kubernetes.io/name': 'ingress-nginx' });
  addPod(chart, 'sandbox', 'experiment', { app: 'experiment' }, metrics);
}

function build(rendering: GuardrailRendering): { app: App; objects: any[]; reach: Reachability } {
  const app = Testing.app();
  guardedPlatform(app, rendering);
  clusterPods(app);
  const objects = app.charts.flatMap((c) => c.toJson());
  return { app, objects, reach: Reachability.of(app) };
}

const cnp = build(GuardrailRendering.CLUSTER_NETWORK_POLICY);
const netpol = build(GuardrailRendering.NETWORK_POLICIES);
const api = (ns: string) => Peer.pods({ namespaceName: ns, pods: PodSelection.labels({ app: 'api' }) });
const experiment = Peer.pods({ namespaceName: 'sandbox', pods: PodSelection.labels({ app: 'experiment' }) });

describe('guardrails example', () => {
  test.each([['ClusterNetworkPolicy', cnp], ['NetworkPolicy', netpol]])('%s rendering: environment segmentation, metadata, scrapes and DNS', (_name, { reach }) => {
    // dev cannot reach prod, whatever the ports; the sandbox is dev too.
    reach.deniesFlow(api('shop-dev'), api('shop-prod'), Port.tcp(8080));
    reach.deniesFlow(experiment, api('shop-prod'), Port.tcp(8080));
    reach.deniesFlow(experiment, api('shop-prod'), Port.named('metrics'));
    // The cloud metadata endpoint, from the app's pods and from pods the app does not own.
    reach.deniesFlow(api('shop-prod'), Peer.cidr('169.254.169.254/32'), Port.tcp(80));
    reach.deniesFlow(experiment, Peer.cidr('169.254.169.254/32'), Port.tcp(80));
    // Prometheus scrapes every pod on metrics, the sandbox's included; nothing else.
    reach.allowsFlow(Peer.prometheus(), api('shop-prod'), Port.named('metrics'));
    reach.allowsFlow(Peer.prometheus(), experiment, Port.named('metrics'));
    reach.deniesFlow(Peer.prometheus(), experiment, Port.tcp(8080));
    // The sandbox is default-denied (DNS excepted), though no ZeroTrustNamespace covers it.
    reach.allowsFlow(experiment, Peer.kubeDns(), Port.DNS_UDP);
    reach.deniesFlow(experiment, Peer.cidr('203.0.113.0/24'), Port.tcp(443));
    reach.deniesFlow(Peer.ingressController(), experiment, Port.tcp(8080));
    // The platform namespaces are exempt: the ingress controller and Prometheus reach what they reached before.
    reach.allowsFlow(Peer.ingressController(), Peer.prometheus(), Port.tcp(9090));
    reach.allowsFlow(Peer.prometheus(), Peer.cidr('203.0.113.0/24'), Port.tcp(443));
    reach.allowsFlow(Peer.prometheus(), Peer.cidr('169.254.169.254/32'), Port.tcp(80));
  });

  test('the app\'s own flows still work under the guardrails', () => {
    for (const { reach } of [cnp, netpol]) {
      for (const e of ['shop-dev', 'shop-staging', 'shop-prod']) {
        reach.allows(`${e}/web`, `${e}/api`, Port.tcp(8080));
        reach.allows(`${e}/api`, `${e}/postgres`, Port.tcp(5432));
        reach.allows('ingress-nginx/controller', `${e}/web`, Port.tcp(8080));
      }
      reach.allows('shop-prod/api', '198.51.100.7', Port.tcp(443));
    }
  });

  test('both renderings allow exactly the same flows between every pair of pods, both ways, on every port checked', () => {
    const endpoints = cnp.reach.endpoints();
    expect(netpol.reach.endpoints()).toEqual(endpoints);
    expect(endpoints).toEqual(expect.arrayContaining(['kube-system/coredns', 'monitoring/prometheus', 'ingress-nginx/controller', 'sandbox/experiment', 'shop-prod/postgres']));
    const ports = [Port.tcp(8080), Port.tcp(5432), Port.tcp(9090), Port.named('metrics'), Port.udp(53), Port.tcp(53), Port.tcp(443)];
    const outside = ['169.254.169.254', 'fd00:ec2::254', '198.51.100.7', '203.0.113.9'];
    const differences: string[] = [];
    let allowed = 0;
    let checked = 0;
    for (const a of endpoints) {
      for (const b of [...endpoints, ...outside]) {
        if (a === b) continue;
        for (const port of ports) {
          const want = cnp.reach.isAllowed(a, b, port);
          checked++;
          if (want) allowed++;
          if (netpol.reach.isAllowed(a, b, port) !== want) differences.push(`${a} -> ${b} on ${port}: ${want ? 'allowed' : 'denied'} by ClusterNetworkPolicy only`);
        }
      }
    }
    expect(differences).toEqual([]);
    // The comparison is not vacuous: both verdicts occur.
    expect(allowed).toBeGreaterThan(50);
    expect(checked - allowed).toBeGreaterThan(500);
  });

  test('what differs, on purpose: a Baseline ClusterNetworkPolicy cannot deny ingress from outside the cluster (v1alpha2 ingress peers are pods only)', () => {
    expect(cnp.reach.isAllowed('203.0.113.9', 'sandbox/experiment', Port.tcp(8080))).toBe(true);
    expect(netpol.reach.isAllowed('203.0.113.9', 'sandbox/experiment', Port.tcp(8080))).toBe(false);
    // Namespaces a ZeroTrustNamespace isolates deny it in both.
    for (const { reach } of [cnp, netpol]) reach.denies('203.0.113.9', 'shop-prod/web', Port.tcp(8080));
  });

  test('the ClusterNetworkPolicies are valid against the CRD (the engine\'s validation) and the NetworkPolicies against the schema', () => {
    const policies = cnp.objects.filter((o) => o.kind === 'ClusterNetworkPolicy');
    expect(policies.map((p) => [p.metadata.name, p.spec.tier, p.spec.priority])).toEqual([
      ['guardrails-cloud-metadata', 'Admin', 100],
      ['guardrails-deny-namespaces-env-prod', 'Admin', 101],
      ['guardrails-accept-every-namespace', 'Admin', 102],
      ['guardrails-accept-prometheus-monitoring-app-kubernetes-io-name-prometheus', 'Admin', 103],
      ['guardrails-baseline', 'Baseline', 1000],
    ]);
    for (const p of policies) {
      const problems: string[] = [];
      const parsed = parseClusterPolicy(p, p.metadata.name, 'test', (path, message) => problems.push(`${path}: ${message}`), () => problems.push('undecidable'));
      expect(problems).toEqual([]);
      expect(parsed).toBeDefined();
      expect(p.metadata.namespace).toBeUndefined();
    }
    expect(schemaProblems(netpol.objects.filter((o) => o.kind !== 'ClusterNetworkPolicy'))).toEqual([]);
    expect(netpol.objects.filter((o) => o.kind === 'ClusterNetworkPolicy')).toEqual([]);
  });

  test('lint counts the guardrails\' default-deny as coverage of the sandbox, in both renderings', () => {
    // NP001/NP002: a namespace with pods and no default-deny for ingress/egress.
    const about = (findings: { ruleId: string; objectName: string }[], ns: RegExp) => findings
      .filter((f) => /^NP00[12]$/.test(f.ruleId)).map((f) => `${f.ruleId} ${f.objectName}`).filter((f) => ns.test(f));
    for (const { app } of [cnp, netpol]) {
      const findings = NetpolLint.check(app);
      expect(about(findings, /sandbox|shop-/)).toEqual([]);
      // The exempt platform namespaces have no default-deny, on purpose, and lint still says so.
      expect(about(findings, /monitoring/)).toEqual(['NP001 Namespace monitoring', 'NP002 Namespace monitoring']);
    }
    // Without the guardrails, the sandbox has no default-deny either.
    const bare = Testing.app();
    clusterPods(bare);
    new ApiObject(bare.charts[0], 'sandbox-ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sandbox', labels: { env: 'dev' } } });
    expect(about(NetpolLint.check(bare), /sandbox/)).toEqual(['NP001 Namespace sandbox', 'NP002 Namespace sandbox']);
  });

  test('the output is byte-identical on every synthesis', () => {
    for (const rendering of [GuardrailRendering.CLUSTER_NETWORK_POLICY, GuardrailRendering.NETWORK_POLICIES]) {
      const text = (objects: any[]) => objects.map((o) => yaml.stringify(o)).join('---\n');
      expect(text(build(rendering).objects)).toEqual(text(rendering === GuardrailRendering.CLUSTER_NETWORK_POLICY ? cnp.objects : netpol.objects));
    }
  });
});
