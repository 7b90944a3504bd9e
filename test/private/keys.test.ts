import * as path from 'path';
import { App, Chart } from 'cdk8s';
import * as ts from 'typescript';
import {
  ClusterGuardrails, EgressAllowList, NetpolLint, Peer, PodSelection, Port, Tier, TierAccess, ZeroTrustNamespace,
} from '../../src';
import { STRUCT_KEYS } from '../../src/private/keys';

/** The properties of every exported interface of src/ that is a struct (no method, not an `I...` behaviour). */
function exportedStructs(): Map<string, string[]> {
  const root = path.join(__dirname, '..', '..', 'src');
  const program = ts.createProgram([path.join(root, 'index.ts')], {
    target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const index = checker.getSymbolAtLocation(program.getSourceFile(path.join(root, 'index.ts'))!)!;
  const structs = new Map<string, string[]>();
  for (const exported of checker.getExportsOfModule(index)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (!(symbol.flags & ts.SymbolFlags.Interface) || /^I[A-Z]/.test(symbol.name)) continue;
    const type = checker.getDeclaredTypeOfSymbol(symbol);
    const props = checker.getPropertiesOfType(type);
    if (props.some((p) => p.flags & ts.SymbolFlags.Method)) continue;
    structs.set(symbol.name, props.map((p) => p.name).sort());
  }
  return structs;
}

describe('unknown keys are refused at every boundary (issue 25 §5)', () => {
  test('the key table lists exactly the properties of each struct the API receives', () => {
    const structs = exportedStructs();
    for (const [name, keys] of STRUCT_KEYS) expect({ name, keys: [...keys].sort() }).toEqual({ name, keys: structs.get(name) });
    // And no struct the API receives is missing from the table (structs it only returns are left out).
    const received = [...structs.keys()].filter((n) => /(Props|Options)$/.test(n) || ['Flow', 'EgressDestination'].includes(n));
    expect(received.filter((n) => !STRUCT_KEYS.has(n))).toEqual([]);
  }, 60_000);

  const chart = () => new Chart(new App(), 'shop', { namespace: 'shop' });
  const web = PodSelection.labels({ app: 'web' });
  const flowTo = (c: Chart, destination: any, ports: Port[] = [Port.tcp(443)]) =>
    new TierAccess(c, 'flows', { flows: [{ source: new Tier(c, 'web', { pods: web }), destination, ports }] });

  test('Peer.cidr with `exception` (singular) is an error naming the construct and the key it meant; it allowed the whole range', () => {
    const c = chart();
    expect(() => flowTo(c, Peer.cidr('10.0.0.0/8', { exception: ['10.1.0.0/16'] } as any)))
      .toThrow(/^\[shop\/flows\] flow #1 \(tier shop\/web -> 10\.0\.0\.0\/8 \(invalid\)\) destination 10\.0\.0\.0\/8 \(invalid\): Peer\.cidr\("10\.0\.0\.0\/8"\) options: unknown key "exception" \(did you mean "exceptions"\?\)/);
    expect(c.toJson()).toEqual([]);
  });

  const cases: [string, (c: Chart) => unknown, RegExp][] = [
    ['ZeroTrustNamespace props', (c) => new ZeroTrustNamespace(c, 'ns', { name: 'shop', allowSameNamespaces: true } as any), /\[shop\/ns\] props: unknown key "allowSameNamespaces" \(did you mean "allowSameNamespace"\?\)/],
    ['ZeroTrustNamespace podSecurity', (c) => new ZeroTrustNamespace(c, 'ns', { name: 'shop', podSecurity: { enforced: 'restricted' } } as any), /podSecurity: unknown key "enforced" \(did you mean "enforce"\?\)/],
    ['Tier props', (c) => new Tier(c, 'web', { pods: web, namespace: 'other' } as any), /\[shop\/web\] props: unknown key "namespace" \(did you mean "namespaceName"\?\)/],
    ['Tier.of options', (c) => Tier.of(new Tier(c, 'x', { pods: web }), { isolate: true } as any), /\[shop\/x\] Tier\.of\(\) options: unknown key "isolate" \(did you mean "isolation"\?\)/],
    ['TierAccess props', (c) => new TierAccess(c, 'flows', { flow: [] } as any), /\[shop\/flows\] props: unknown key "flow" \(did you mean "flows"\?\)/],
    ['a flow', (c) => new TierAccess(c, 'flows', { flows: [{ source: new Tier(c, 'web', { pods: web }), destination: Peer.prometheus(), port: [Port.tcp(80)] }] } as any), /flow #1 .*: unknown key "port" \(did you mean "ports"\?\)/],
    ['EgressAllowList props', (c) => new EgressAllowList(c, 'out', { pods: web, destinations: [], policy: 'x' } as any), /\[shop\/out\] [^]*props: unknown key "policy"/],
    ['an egress destination', (c) => new EgressAllowList(c, 'out', { pods: web, destinations: [{ peer: Peer.cidr('203.0.113.0/24'), port: [Port.tcp(443)] }] } as any), /destination #1 .*: unknown key "port" \(did you mean "ports"\?\)/],
    ['ClusterGuardrails props', (c) => new ClusterGuardrails(c, 'g', { exemptNamespace: ['kube-system'] } as any), /\[shop\/g\] props: unknown key "exemptNamespace" \(did you mean "exemptNamespaces"\?\)/],
    ['guardrail flow options', (c) => new ClusterGuardrails(c, 'g').alwaysAllow(Peer.prometheus(), Peer.allNamespaces(), { port: [Port.tcp(9090)] } as any), /alwaysAllow #1 options: unknown key "port" \(did you mean "ports"\?\)/],
    ['Peer.pods options', (c) => flowTo(c, Peer.pods({ namespaceName: 'x', pods: web, namespace: 'y' } as any)), /Peer\.pods\(\) options: unknown key "namespace"/],
    ['Peer.pods namespaces', (c) => flowTo(c, Peer.pods({ namespaces: { label: { env: 'prod' } }, pods: web } as any)), /Peer\.pods\(\) namespaces: unknown key "label" \(did you mean "labels"\?\)/],
    ['Peer.namespaces selector', (c) => flowTo(c, Peer.namespaces({ label: { env: 'prod' } } as any)), /Peer\.namespaces\(\) selector: unknown key "label" \(did you mean "labels"\?\)/],
    ['a preset\'s options', (c) => flowTo(c, Peer.prometheus({ namespace: 'obs' } as any)), /Prometheus options: unknown key "namespace"/],
    ['PodSelection.matching options', (c) => new Tier(c, 'web', { pods: PodSelection.matching({ label: { app: 'web' } } as any) }), /PodSelection\.matching\(\) options: unknown key "label" \(did you mean "labels"\?\)/],
    ['Port.of options', (c) => flowTo(c, Peer.prometheus(), [Port.of({ number: 80 } as any)]), /Port\.of options: unknown key "number"/],
    ['NetpolLint options', (c) => NetpolLint.check(c, { failon: 'error' } as any), /unknown key "failon" \(did you mean "failOn"\?\)/],
  ];
  test.each(cases)('%s', (_what, make, message) => {
    const c = chart();
    expect(() => make(c)).toThrow(message);
  });
});
