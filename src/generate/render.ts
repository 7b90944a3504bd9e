/**
 * A plan (plan.ts) as a complete cdk8s app in TypeScript, for people to review and own: it imports only `cdk8s`,
 * `constructs` and `cdk8s-netpol`, synthesizes with `new App()` (so `CDK8S_OUTDIR` decides where), and type-checks
 * under `strict`. Sorted, commented and byte-identical on re-runs.
 */
import { Plan, PlanEnd, PlanPort } from './plan';

/** A TypeScript string literal. */
const lit = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function labelsText(labels: { readonly [key: string]: string }): string {
  const entries = Object.entries(labels).map(([k, v]) => `${/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : lit(k)}: ${lit(v)}`);
  return `{ ${entries.join(', ')} }`;
}

function portText(p: PlanPort): string {
  const protocol = p.protocol === 'TCP' ? undefined : `Protocol.${p.protocol}`;
  if (p.name !== undefined) return `Port.named(${lit(p.name)}${protocol ? `, ${protocol}` : ''})`;
  return `Port.${p.protocol.toLowerCase()}(${p.port})`;
}

function endText(e: PlanEnd): string {
  if ('tier' in e) return e.tier.variable;
  if ('pods' in e) return `Peer.pods({ namespaceName: ${lit(e.pods.namespace)}, pods: PodSelection.labels(${labelsText(e.pods.labels)}) })`;
  if ('preset' in e) return `Peer.${e.preset}()`;
  return `Peer.cidr(${lit(e.cidr)})`;
}

/** The whole main.ts. `header` lines go first, as comments (what the flows were, what was not written). */
export function renderApp(plan: Plan, header: readonly string[]): string {
  const usesProtocol = plan.flows.some((f) => f.ports.some((p) => p.name !== undefined && p.protocol !== 'TCP'));
  const usesPeer = plan.flows.some((f) => !('tier' in f.source) || !('tier' in f.destination));
  const usesPods = plan.flows.some((f) => 'pods' in f.source || 'pods' in f.destination);
  const imports = ['Peer', 'PodSelection', 'Port', 'Protocol', 'Tier', 'TierAccess', 'ZeroTrustNamespace']
    .filter((n) => (n === 'Peer' ? usesPeer : n === 'Protocol' ? usesProtocol : n === 'PodSelection' ? plan.tiers.length > 0 || usesPods : n === 'Tier' ? plan.tiers.length > 0 : n === 'TierAccess' ? plan.flows.length > 0 : true));
  const lines: string[] = [];
  for (const h of header) lines.push(`// ${h.replace(/[\r\n]+/g, ' ')}`);
  if (plan.notWritten.length > 0) {
    lines.push('//', '// Seen and not written (review them: add a flow by hand if it is needed):');
    for (const n of plan.notWritten) lines.push(`//   ${n.replace(/[\r\n]+/g, ' ')}`);
  }
  lines.push(
    "import { App, Chart } from 'cdk8s';",
    `import { ${imports.join(', ')} } from 'cdk8s-netpol';`,
    '',
    'const app = new App();',
  );
  // Every namespace's tiers first: a flow may name a tier of another namespace.
  plan.namespaces.forEach((ns, k) => {
    const chart = `chart${k}`;
    lines.push('', `// namespace ${ns}`, `const ${chart} = new Chart(app, ${lit(ns)}, { namespace: ${lit(ns)} });`);
    lines.push(`new ZeroTrustNamespace(${chart}, 'namespace', { name: ${lit(ns)} });`);
    for (const t of plan.tiers.filter((x) => x.namespace === ns)) {
      lines.push(`const ${t.variable} = new Tier(${chart}, ${lit(t.id)}, { pods: PodSelection.labels(${labelsText(t.labels)}) });`);
    }
  });
  plan.namespaces.forEach((ns, k) => {
    const flows = plan.flows.filter((f) => f.chart === ns);
    if (flows.length === 0) return;
    lines.push('', `// the flows into (or out of) namespace ${ns}, as recorded`, `new TierAccess(chart${k}, 'flows', {`, '  flows: [');
    for (const f of flows) {
      const names = [f.source, f.destination].flatMap((e) => ('cidr' in e ? e.names ?? [] : []));
      if (names.length > 0) lines.push(`    // ${names.join(', ')}`);
      lines.push(`    { source: ${endText(f.source)}, destination: ${endText(f.destination)}, ports: [${f.ports.map(portText).join(', ')}] },`);
    }
    lines.push('  ],', '});');
  });
  lines.push('', 'app.synth();', '');
  return lines.join('\n');
}
