import * as fs from 'fs';
import * as path from 'path';
import { buildApp } from '../../generate/app';
import { planIntents } from '../../generate/plan';
import { renderApp } from '../../generate/render';
import { SourcedObject } from '../../manifests/decode';
import { forEachLineOf } from '../../manifests/line-files';
import { parseCidr } from '../../private/cidr';
import { Reachability } from '../../reachability/reachability';
import { Replayer } from '../../replay/replay';
import { InvalidManifestsError } from '../../semantics/model';
import { parseArgs } from '../args';
import { CliIo, Command, EXIT_OK, UsageError } from '../io';
import { IGNORE_HELP, readInput } from '../load';

/** Kinds of the input that are policies: the generated app replaces them in the proof. */
const POLICY_KINDS = new Set(['NetworkPolicy', 'ClusterNetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy']);

export const generateCommand: Command = {
  name: 'generate',
  summary: 'write a cdk8s app of intents (ZeroTrustNamespace, Tier, TierAccess) from recorded flows, proven by replay',
  help: `Usage: cdk8s-netpol generate FLOWS MANIFESTS... --out DIR [--namespace NS]... [--include-dropped]
       [--external-blocks CIDR,...] [--aggregate PREFIX]

Write DIR/main.ts: a complete cdk8s app in cdk8s-netpol's vocabulary that allows the connections recorded in
FLOWS (a Hubble export, as replay reads it) and nothing the namespaces' default-deny does not: a
ZeroTrustNamespace per owned namespace, a Tier per group of pods (their labels without pod-template-hash and
the other per-rollout labels), TierAccess flows, Peers for pods of other namespaces and /32 (/128) blocks for
addresses outside the cluster (commented with the DNS names the flows saw), presets (Peer.kubeDns(),
Peer.ingressController(), Peer.prometheus()) for the pods they fit, ports by the destination's container port
name where it declares one. Then
prove it: the flows are replayed against what main.ts synthesizes, and the breaks (none, unless a connection
could not be written) and what it allows beyond the recorded connections are printed.

Arguments:
  FLOWS                a flow export: a file (.gz decompressed) or a directory (read twice: not stdin)
  MANIFESTS            the cluster's objects (kubectl get ns,nodes,pods -A -o yaml): files or directories

Options:
  --out DIR            where main.ts goes (created if missing; main.ts is replaced)
  --namespace NS       own this namespace (repeatable); default: every namespace with a pod in a decidable
                       recorded connection, except kube-system. Pods elsewhere become Peers
  --include-dropped    write the connections seen only as policy drops too (by default they are listed in
                       the header as denied attempts, not written)
  --external-blocks CIDR,...
                       blocks you name (repeatable or comma-separated): an outside address inside one is
                       written as the block, not as its own /32
  --aggregate PREFIX   opt-in: write the other outside IPv4 addresses as their /PREFIX blocks (1-32);
                       IPv6 addresses stay /128
${IGNORE_HELP}
  -h, --help           show this help

Connections that cannot be decided offline (nodes, host network, reserved identities) and pods without labels
are listed in the header, not written. main.ts imports only cdk8s, constructs and cdk8s-netpol; run it with
npx ts-node DIR/main.ts (CDK8S_OUTDIR decides where it synthesizes). Output is sorted and byte-identical on
re-runs. See docs/replay.md.
Exit status: 0 written, 2 invalid input or usage.
`,
  run(args: string[], io: CliIo): number {
    const parsed = parseArgs(args, {
      'out': { value: true },
      'namespace': { value: true, repeatable: true },
      'include-dropped': { value: false },
      'external-blocks': { value: true, repeatable: true },
      'aggregate': { value: true },
      'ignore': { value: true, repeatable: true },
      'help': { value: false, alias: 'h' },
    });
    if (parsed.switches.has('help')) {
      io.stdout(this.help);
      return EXIT_OK;
    }
    const out = parsed.values.get('out');
    if (out === undefined) throw new UsageError('--out DIR is required: where main.ts is written');
    if (parsed.positionals.length < 2) throw new UsageError('give the flow export first, then the cluster\'s objects (kubectl get ns,nodes,pods -A -o yaml)');
    const [flows, ...manifests] = parsed.positionals;
    const externalBlocks = (parsed.lists.get('external-blocks') ?? []).flatMap((v) => v.split(',')).map((t) => t.trim()).filter((t) => t !== '').map((t) => {
      const c = parseCidr(t);
      if (!c || c.hostBitsSet) throw new UsageError(`--external-blocks ${t}: not a CIDR block${c ? ` (host bits set: write ${c.text})` : ''}; e.g. 203.0.113.0/24`);
      return c;
    });
    const aggregateText = parsed.values.get('aggregate');
    const aggregate = aggregateText === undefined ? undefined : Number(aggregateText);
    if (aggregate !== undefined && !(Number.isInteger(aggregate) && aggregate >= 1 && aggregate <= 32 && /^[0-9]+$/.test(aggregateText!))) {
      throw new UsageError(`--aggregate ${aggregateText}: give an IPv4 prefix length from 1 to 32, e.g. 24`);
    }
    if (flows === '-' || manifests.includes('-')) throw new UsageError('generate reads the flows twice (once to write, once to prove): give files, not stdin');
    const { objects, problems } = readInput(manifests, io, { ignore: parsed.lists.get('ignore') ?? [] });
    const observed = Reachability._load(objects, problems);
    const replay = (reach: Reachability) => {
      const replayer = new Replayer(reach._cluster());
      const cannot = forEachLineOf([flows], io.readStdin, (line) => replayer.add(line));
      if (cannot.length > 0) throw new InvalidManifestsError(cannot.map((p) => ({ source: p.source, object: '', path: '', message: p.message, category: 'read' })));
      return replayer.report();
    };
    const recorded = replay(observed);
    const plan = planIntents(observed._cluster(), recorded.connections, {
      ...(parsed.lists.has('namespace') ? { namespaces: parsed.lists.get('namespace') } : {}),
      includeDropped: parsed.switches.has('include-dropped'),
      externalBlocks,
      ...(aggregate !== undefined ? { aggregate } : {}),
    });
    const owned = new Set(plan.namespaces);
    const unseen = recorded.coverage.neverSeen.filter((id) => owned.has(id.slice(0, id.indexOf('/'))));

    // The proof: the cluster's objects without their policies, and the app's.
    const app = buildApp(plan);
    const candidate: SourcedObject[] = [
      ...objects.filter((o) => !POLICY_KINDS.has(String((o.object as { kind?: unknown })?.kind))),
      ...app.charts.flatMap((chart) => chart.toJson().map((object) => ({ object, source: `generated chart ${chart.node.path}` }))),
    ];
    const proof = replay(Reachability._load(candidate));

    const header = [
      'Generated by cdk8s-netpol generate from recorded flows: review it before you merge it.',
      `${recorded.coverage.lines} flow lines, ${recorded.connections.length} connections (${recorded.coverage.firstTime ?? '?'} to ${recorded.coverage.lastTime ?? '?'}); ${plan.written} written.`,
      `Replayed against this app: ${proof.breaks.length} break${proof.breaks.length === 1 ? '' : 's'}; ${proof.unobserved.length} allowed connection${proof.unobserved.length === 1 ? '' : 's'} on declared ports nobody used.`,
      ...(unseen.length > 0 ? [`Never seen in the window, and denied by the default-deny of their namespace unless you add flows: ${unseen.join(', ')}`] : []),
    ];
    const text = renderApp(plan, header);
    fs.mkdirSync(out, { recursive: true });
    const target = path.join(out, 'main.ts');
    const tmp = path.join(out, `.main.ts.${process.pid}.tmp`);
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, target);

    const lines = [
      `wrote ${target}: ${plan.namespaces.length} namespace${plan.namespaces.length === 1 ? '' : 's'}, ${plan.tiers.length} tiers, ${plan.flows.length} flows (${plan.written} recorded connections)`,
      `proof, the flows replayed against it: ${proof.breaks.length === 0 ? '0 breaks' : `${proof.breaks.length} breaks:`}`,
      ...proof.breaks.map((b) => `  ! ${b.source} -> ${b.destination} ${b.protocol}/${b.port}`),
      `allowed beyond the recorded connections, on ports the destinations declare: ${proof.unobserved.length}`,
      ...groupUnobserved(proof.unobserved).map((l) => `  ${l}`),
      ...(plan.notWritten.length > 0 ? [`not written (listed in the header): ${plan.notWritten.length}`] : []),
      ...(unseen.length > 0 ? [`never seen in the window, in owned namespaces: ${unseen.join(', ')}`] : []),
    ];
    io.stdout(lines.join('\n') + '\n');
    return EXIT_OK;
  },
};

/** `shop/web -> shop/api: TCP/9090` lines, one per pair, ports merged. */
function groupUnobserved(xs: readonly { source: string; destination: string; protocol: string; port: number }[]): string[] {
  const byPair = new Map<string, string[]>();
  for (const u of xs) {
    const k = `${u.source} -> ${u.destination}`;
    if (!byPair.has(k)) byPair.set(k, []);
    byPair.get(k)!.push(`${u.protocol}/${u.port}`);
  }
  return [...byPair].map(([k, ports]) => `${k}: ${ports.join(' ')}`);
}
