import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli as run } from '../util/cli';

const dir = path.join(__dirname, 'honest');
const nodeExporter = path.join(dir, 'node-exporter.yaml');
const mesh = path.join(dir, 'replica-mesh.yaml');
const webhook = path.join(dir, 'webhook.yaml');

describe('host-network pods are undecidable offline', () => {
  test('reach marks their pairs with ? in the table, says why under it, and exits 0', () => {
    const r = run(['reach', nodeExporter, '--port', '9100']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('reachability on TCP/9100 (rows: from, columns: to; ✓ allowed, · denied, ? undecidable offline)');
    expect(lines[3]).toBe('2. monitoring/node-exporter  ? ? ?');
    expect(lines[5]).toMatch(/^\? DaemonSet monitoring\/node-exporter uses the host network/);
  });

  test('reach --output json gives undecidable pairs "allowed": null (no verdict), "decidable": false, the reason, and the verdict of the policies alone', () => {
    const doc = JSON.parse(run(['reach', nodeExporter, '--port', '9100', '-o', 'json']).stdout);
    const undecidable = doc.results.filter((x: any) => x.decidable === false);
    expect(undecidable.map((x: any) => `${x.from} -> ${x.to}`)).toEqual([
      'monitoring/grafana -> monitoring/node-exporter',
      'monitoring/node-exporter -> monitoring/grafana',
      'monitoring/node-exporter -> monitoring/node-exporter',
      'monitoring/node-exporter -> monitoring/prometheus',
      'monitoring/prometheus -> monitoring/node-exporter',
    ]);
    for (const x of undecidable) {
      expect(Object.keys(x)).toEqual(['from', 'to', 'port', 'protocol', 'allowed', 'decidable', 'reason', 'policiesAlone']);
      // A consumer reading `allowed` must not see a denial nobody decided.
      expect(x.allowed).toBeNull();
      expect(x.reason).toMatch(/host network/);
      // policiesAlone is what explain prints as "the policies alone would ...".
      const explained = run(['explain', nodeExporter, '--from', x.from, '--to', x.to, '--port', '9100']).stdout;
      expect(`${x.from} -> ${x.to}: ${x.policiesAlone ? 'ALLOW' : 'DENY'}`).toBe(`${x.from} -> ${x.to}: ${/the policies alone would (ALLOW|DENY)/.exec(explained)![1]}`);
    }
    expect(undecidable.find((x: any) => x.from === 'monitoring/prometheus' && x.to === 'monitoring/node-exporter').policiesAlone).toBe(true);
    expect(Object.keys(doc.results.find((x: any) => x.from === 'monitoring/grafana' && x.to === 'monitoring/prometheus'))).toEqual(['from', 'to', 'port', 'protocol', 'allowed']);
  });

  test('reach markdown and mermaid say which pods are left undecided', () => {
    const md = run(['reach', nodeExporter, '--port', '9100', '-o', 'markdown']).stdout;
    expect(md).toMatch(/^Reachability on TCP\/9100 \(rows: from, columns: to; ✓ allowed, · denied, \? undecidable offline\)/);
    expect(md).toMatch(/\| `monitoring\/node-exporter` \| \? \| \? \| \? \|/);
    expect(md).toMatch(/\n`\?` DaemonSet monitoring\/node-exporter uses the host network/);
    const mermaid = run(['reach', nodeExporter, '--port', '9100', '-o', 'mermaid']).stdout;
    expect(mermaid).not.toMatch(/n1 -->|--> n1/);
    expect(mermaid).toMatch(/ {2}%% undecidable offline, left out: DaemonSet monitoring\/node-exporter uses the host network/);
  });

  test('explain answers UNDECIDABLE with the reason and what the policies alone say, and exits 0', () => {
    const r = run(['explain', nodeExporter, '--from', 'monitoring/prometheus', '--to', 'monitoring/node-exporter', '--port', '9100']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('monitoring/prometheus -> monitoring/node-exporter on TCP/9100: UNDECIDABLE');
    expect(lines[1]).toMatch(/undecidable offline: DaemonSet monitoring\/node-exporter uses the host network/);
    expect(lines[2]).toBe('  the policies alone would ALLOW it:');
  });

  test('connections leave their pairs out and list them apart, in every format', () => {
    const table = run(['connections', nodeExporter]).stdout;
    expect(table).not.toMatch(/monitoring\/node-exporter +monitoring|monitoring\/\S+ +monitoring\/node-exporter/);
    expect(table).toMatch(/\nundecidable offline, left out: monitoring\/node-exporter: DaemonSet monitoring\/node-exporter uses the host network/);
    const doc = JSON.parse(run(['connections', nodeExporter, '-o', 'json']).stdout);
    expect(doc.connections.some((c: any) => c.from === 'monitoring/node-exporter' || c.to === 'monitoring/node-exporter')).toBe(false);
    expect(doc.undecidable).toEqual([{ endpoint: 'monitoring/node-exporter', reason: expect.stringMatching(/host network/) }]);
    expect(run(['connections', nodeExporter, '-o', 'dot']).stdout).toMatch(/\n\/\/ undecidable offline, left out: monitoring\/node-exporter/);
    const exposure = JSON.parse(run(['connections', nodeExporter, '--exposure', '-o', 'json']).stdout);
    expect(exposure.exposure.some((x: any) => x.endpoint === 'monitoring/node-exporter')).toBe(false);
    expect(exposure.undecidable.map((x: any) => x.endpoint)).toEqual(['monitoring/node-exporter']);
  });

  test('check fails an expectation on an undecidable flow, whichever it states, and exits 1', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-honest-')), 'flows.txt');
    fs.writeFileSync(file, 'allow monitoring/prometheus -> monitoring/node-exporter 9100\ndeny monitoring/grafana -> monitoring/node-exporter 9100\nallow monitoring/grafana -> monitoring/prometheus 9090\n');
    const r = run(['check', nodeExporter, '--expect', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL {2}allow monitoring\/prometheus -> monitoring\/node-exporter TCP\/9100 \(.*flows\.txt:1\): it cannot be decided offline/);
    expect(r.stdout).toMatch(/FAIL {2}deny monitoring\/grafana -> monitoring\/node-exporter TCP\/9100 \(.*flows\.txt:2\): it cannot be decided offline/);
    expect(r.stdout).toMatch(/1 of 3 expectations hold/);
  });
});

describe('replica meshes', () => {
  test('reach shows the verdict between two replicas on the diagonal of a replicated workload', () => {
    const r = run(['reach', mesh, '--port', '6379']);
    expect(r.stdout.split('\n').slice(2, 5)).toEqual([
      '1. cache/redis        · · ·',
      '2. cache/sentinel-ui  · ✓ ·',
      '3. db/postgres        · · ·',
    ]);
    expect(run(['reach', mesh, '--port', '5432', '-o', 'mermaid']).stdout).toMatch(/\n {2}n2 -->\|TCP\/5432\| n2\n/);
  });

  test('explain gives the replica verdict on its first line, the pod-to-itself case later', () => {
    const r = run(['explain', mesh, '--from', 'cache/redis', '--to', 'cache/redis', '--port', '16379']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('cache/redis -> cache/redis on TCP/16379: DENIED between two different replicas (StatefulSet cache/redis: 3 replicas)');
    expect(lines[lines.length - 1]).toMatch(/a pod cannot block access to itself/);
  });

  test('connections list a replicated workload with itself when its replicas may connect', () => {
    const doc = JSON.parse(run(['connections', mesh, '-o', 'json']).stdout);
    expect(doc.connections).toEqual([{ from: 'db/postgres', to: 'db/postgres', allowed: [{ protocol: 'TCP', ports: [[5432, 5432]] }] }]);
  });
});

describe('explain with a Service', () => {
  test('--to svc/NS/NAME:PORT explains each endpoint on the pod port of the targetPort, under a summary', () => {
    const r = run(['explain', webhook, '--from', 'clients/caller', '--to', 'svc/system/webhook-service:443']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('clients/caller -> Service system/webhook-service:443 (TCP/443 -> targetPort 9443): PARTLY ALLOWED: allowed to 1 of 2 endpoints');
    expect(lines[1]).toBe('  endpoints of Service system/webhook-service: system/controller-manager (pod port TCP/9443), system/controller-manager-canary (pod port TCP/9443)');
    expect(lines).toContain('  clients/caller -> system/controller-manager on TCP/9443: ALLOWED');
    expect(lines).toContain('  clients/caller -> system/controller-manager-canary on TCP/9443: DENIED');
    // The shipped policy allows the Service port, 443: the note names it and the pod port to allow instead.
    expect(lines[lines.length - 2]).toBe('    note: policy system/allow-webhook-traffic spec.ingress[0] allows TCP/443, the Service port; NetworkPolicy ports are '
      + 'pod ports (after the Service), so allow TCP/9443, the targetPort on system/controller-manager-canary');
  });

  test('a named targetPort is resolved on each endpoint pod; --port may name the Service port', () => {
    const r = run(['explain', webhook, '--from', 'clients/caller', '--to', 'svc/system/webhook-named', '--port', 'https']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('clients/caller -> Service system/webhook-named:443 (TCP/443 -> targetPort webhook-server): ALLOWED: allowed to 1 of 1 endpoint');
    expect(r.stdout).toMatch(/not an endpoint: system\/controller-manager-canary declares no TCP container port named "webhook-server"/);
  });

  test('--from svc/NS/NAME stands for the Service\'s endpoint pods as sources', () => {
    const r = run(['explain', webhook, '--from', 'svc/system/webhook-service', '--to', 'clients/caller', '--port', '8080']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('Service system/webhook-service -> clients/caller on TCP/8080: ALLOWED: allowed from 2 of 2 endpoints');
  });

  test.each([
    ['an unknown Service', ['--to', 'svc/system/nope:80'], /unknown Service system\/nope/],
    ['an unknown Service port', ['--to', 'svc/system/webhook-service:9443'], /has no port 9443: its ports are 443\/TCP/],
    ['a Service without selector', ['--to', 'svc/system/external-db:5432'], /has no spec\.selector/],
    ['a Service without endpoints in the input', ['--to', 'svc/system/orphan:80'], /has no endpoints in the input/],
    ['a named targetPort no endpoint declares', ['--to', 'svc/system/webhook-named:metrics'], /no endpoint of Service system\/webhook-named declares a TCP container port named "metrics-http"/],
    ['no Service port', ['--to', 'svc/system/webhook-service'], /which Service port\?/],
    ['the port twice', ['--to', 'svc/system/webhook-service:443', '--port', '443'], /give the Service port once/],
    ['a malformed reference', ['--to', 'svc/webhook-service:443'], /is not a Service reference/],
  ])('exits 2 on %s, saying what to fix', (_, args, message) => {
    const r = run(['explain', webhook, '--from', 'clients/caller', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  test('a Service in front of a host-network DaemonSet is UNDECIDABLE, not DENIED', () => {
    const r = run(['explain', nodeExporter, '--from', 'monitoring/prometheus', '--to', 'svc/monitoring/node-exporter:https']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('monitoring/prometheus -> Service monitoring/node-exporter:9100 (TCP/9100 -> targetPort https): '
      + 'UNDECIDABLE: allowed to 0 of 1 endpoint, undecidable offline to 1');
  });

  test('explain --help documents Service ends', () => {
    expect(run(['explain', '--help']).stdout).toMatch(/svc\/NS\/NAME:PORT/);
  });
});
