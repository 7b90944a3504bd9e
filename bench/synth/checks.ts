/**
 * Fairness checks of the synthesis benchmark, run before measuring: the floor emits exactly our YAML, and the
 * cdk8s-plus-28 version lets through exactly the same flows (decided by the reachability engine).
 */
import { App } from 'cdk8s';
import { build, DESTINATIONS, FLOWS, Layout, namespaceName, TIERS, Variant } from './platform';
import { Port, Reachability } from '../../src';

function synth(variant: Variant, namespaces: number, layout: Layout): { yaml: string; objects: any[] } {
  const app = new App();
  build(variant, app, namespaces, layout);
  return { yaml: app.synthYaml(), objects: app.charts.flatMap((c) => c.toJson()) };
}

const checkedPorts = (): Port[] => [
  ...[...new Set([...FLOWS.map((f) => f[2]), ...DESTINATIONS.flatMap((d) => d.ports)])].map((p) => Port.tcp(p)),
  Port.DNS_UDP,
];

function allowed(objects: any[], namespaces: number): Set<string> {
  const pods: any[] = [{
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
    spec: { containers: [{ name: 'c', image: 'i' }] },
  }];
  for (let i = 0; i < namespaces; i++) {
    for (const t of TIERS) {
      pods.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: t, namespace: namespaceName(i), labels: { app: t } }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    }
  }
  const reach = Reachability.fromObjects([...objects, ...pods]);
  const outside = ['203.0.0.10', '203.0.0.200', '203.0.1.10', '203.0.9.10', '198.51.100.1'];
  const ports = checkedPorts();
  const ends = [...reach.endpoints(), ...outside];
  const out = new Set<string>();
  for (const a of ends) {
    for (const b of ends) {
      if (a === b || (outside.includes(a) && outside.includes(b))) continue;
      for (const port of ports) if (reach.isAllowed(a, b, port)) out.add(`${a} -> ${b} on ${port}`);
    }
  }
  return out;
}

/** Returns human-readable check results; throws if a check fails (the comparison would be meaningless). */
export function fairnessChecks(layouts: Layout[], namespaces = 3): string[] {
  const results: string[] = [];
  for (const layout of layouts) {
    const ours = synth('ours', namespaces, layout);
    const floor = synth('floor', namespaces, layout);
    const plus = synth('plus', namespaces, layout);
    if (floor.yaml !== ours.yaml) throw new Error(`floor YAML differs from ours (${layout})`);
    results.push(`${layout}: the floor's YAML is byte-identical to ours (${namespaces} namespaces, ${Buffer.byteLength(ours.yaml)} bytes)`);
    const a = allowed(ours.objects, namespaces);
    const b = allowed(plus.objects, namespaces);
    const diff = [...a].filter((f) => !b.has(f)).concat([...b].filter((f) => !a.has(f)));
    if (diff.length) throw new Error(`cdk8s-plus version allows different flows (${layout}): ${diff.slice(0, 5).join('; ')}`);
    results.push(`${layout}: the cdk8s-plus-28 version allows exactly the same ${a.size} flows as ours `
      + `(every pair of ${namespaces * TIERS.length + 1} pods and 5 outside addresses, on ${checkedPorts().join(', ')})`);
  }
  return results;
}
