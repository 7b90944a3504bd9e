import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli as run } from '../util/cli';

const dir = path.join(__dirname, '..', 'fixtures', 'cluster-policy');
const apps = path.join(dir, 'apps.yaml');
const guardrails = path.join(dir, 'guardrails.yaml');

describe('the CLI takes ClusterNetworkPolicies into account', () => {
  test('reach: the Admin Deny and the Baseline default-deny shape the matrix', () => {
    const r = run(['reach', apps, guardrails, '--port', '8080', '-o', 'json']);
    expect(r.code).toBe(0);
    const allowed = JSON.parse(r.stdout).results.filter((x: any) => x.allowed && x.from !== x.to).map((x: any) => `${x.from} -> ${x.to}`);
    // dev's egress is denied by the Baseline tier; prod's egress to prod passes to the default; kube-system has no guardrails.
    expect(allowed).toEqual(['kube-system/dns -> dev/web', 'kube-system/dns -> prod/web']);
  });

  test('explain names the deciding ClusterNetworkPolicy, tier and rule', () => {
    const r = run(['explain', apps, guardrails, '--from', 'dev/web', '--to', 'prod/web', '--port', 'http']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/dev\/web -> prod\/web on TCP\/http \(= TCP\/8080 on prod\/web\): DENIED/);
    expect(r.stdout).toMatch(/egress of dev\/web: passed on: Pass by ClusterNetworkPolicy default-deny \(Baseline tier, priority 100\) spec\.egress\[1\] "prod-is-guarded-by-admin": the default applies/);
    expect(r.stdout).toMatch(/ingress of prod\/web: denied: Deny by ClusterNetworkPolicy env-segmentation \(Admin tier, priority 10\) spec\.ingress\[0\] "no-dev-to-prod", final/);
  });

  test('connections lists the DNS carve-out and nothing else from the guarded namespaces', () => {
    const r = run(['connections', apps, guardrails, '-o', 'json']);
    expect(r.code).toBe(0);
    const from = (id: string) => JSON.parse(r.stdout).connections.filter((c: any) => c.from === id);
    expect(from('dev/web')).toEqual([{ from: 'dev/web', to: 'kube-system/dns', allowed: [{ protocol: 'UDP', ports: [[53, 53]] }] }]);
  });

  test('connections: a Baseline deny of 0.0.0.0/0 alone leaves every IPv6 address open', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cnp-v4-'));
    try {
      const v4only = path.join(tmp, 'guardrails.yaml');
      fs.writeFileSync(v4only, fs.readFileSync(guardrails, 'utf8').replace("networks: [0.0.0.0/0, '::/0']", 'networks: [0.0.0.0/0]'));
      const r = run(['connections', apps, v4only, '-o', 'json']);
      expect(r.code).toBe(0);
      const to = JSON.parse(r.stdout).connections.filter((c: any) => c.from === 'dev/web').map((c: any) => c.to);
      expect(to).toEqual(['kube-system/dns', '::/0']);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('diff reports what the guardrails remove, and names the ClusterNetworkPolicy rule behind an added connection', () => {
    const removed = run(['diff', apps, dir, '-o', 'text']);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/^- dev\/web -> prod\/web TCP\/\*$/m);
    expect(removed.stdout).toMatch(/^- dev\/web -> 0\.0\.0\.0\/0 TCP\/\*$/m);
    expect(removed.stdout).not.toMatch(/dev\/web -> kube-system\/dns UDP\/53\b/);

    const after = fs.mkdtempSync(path.join(os.tmpdir(), 'cnp-diff-'));
    try {
      fs.copyFileSync(apps, path.join(after, 'apps.yaml'));
      fs.copyFileSync(guardrails, path.join(after, 'guardrails.yaml'));
      fs.writeFileSync(path.join(after, 'exception.yaml'), [
        'apiVersion: policy.networking.k8s.io/v1alpha2',
        'kind: ClusterNetworkPolicy',
        'metadata: {name: dev-may-call-prod-web}',
        'spec:',
        '  tier: Admin',
        '  priority: 5',
        '  subject: {pods: {namespaceSelector: {matchLabels: {env: prod}}, podSelector: {matchLabels: {app: web}}}}',
        '  ingress: [{name: dev-web, action: Accept, from: [{namespaces: {matchLabels: {env: dev}}}], protocols: [{destinationNamedPort: http}]}]',
      ].join('\n'));
      const added = run(['diff', dir, after, '-o', 'text', '--fail-on', 'broadening']);
      expect(added.stdout).toMatch(/^\+ dev\/web -> prod\/web TCP\/8080\n.*\n    ingress of prod\/web: ClusterNetworkPolicy dev-may-call-prod-web \(Admin tier\) spec\.ingress\[0\] "dev-web"$/m);
      expect(added.code).toBe(1); // broadening
    } finally {
      fs.rmSync(after, { recursive: true, force: true });
    }
  });

  test('an invalid ClusterNetworkPolicy exits 2 naming file, object and field', () => {
    const r = run(['reach', '-', '--port', '80'], [
      'apiVersion: policy.networking.k8s.io/v1alpha2',
      'kind: ClusterNetworkPolicy',
      'metadata: {name: bad}',
      'spec: {tier: Admin, priority: 2000, subject: {namespaces: {}}}',
    ].join('\n'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ClusterNetworkPolicy bad: spec\.priority: 2000 is out of range: use 0 to 1000/);
  });
});

test('explain notes that a ClusterNetworkPolicy network may cover pod IPs the manifests do not give', () => {
  const r = run(['explain', apps, guardrails, '--from', 'dev/web', '--to', '10.1.2.3', '--port', '443']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/DENIED/);
  // A Deny network that may catch pods can only take flows away: the note says which way the answer may be wrong.
  expect(r.stdout).toMatch(/note: 0\.0\.0\.0\/0 \(ClusterNetworkPolicy default-deny spec\.egress\[\d+\], Deny\)(, ::\/0 \(ClusterNetworkPolicy default-deny spec\.egress\[\d+\], Deny\))? may cover pod IPs/);
  expect(r.stdout).toMatch(/a pod-to-pod flow answered ALLOWED here may be denied in the cluster/);
  expect(r.stdout).not.toMatch(/answered DENIED here may pass/);
});

test('explain says an Accept network that may cover pod IPs may let a DENIED flow pass', () => {
  const accept = [
    'apiVersion: policy.networking.k8s.io/v1alpha2',
    'kind: ClusterNetworkPolicy',
    'metadata: {name: corp}',
    'spec:',
    '  tier: Admin',
    '  priority: 5',
    '  subject: {namespaces: {}}',
    '  egress:',
    '    - {name: corp, action: Accept, to: [{networks: [10.0.0.0/8]}]}',
  ].join('\n');
  const r = run(['explain', apps, '-', '--from', 'dev/web', '--to', 'prod/web', '--port', '80'], accept);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/note: 10\.0\.0\.0\/8 \(ClusterNetworkPolicy corp spec\.egress\[0\], Accept\) may cover pod IPs/);
  expect(r.stdout).toMatch(/a pod-to-pod flow answered DENIED here may pass in the cluster/);
  expect(r.stdout).not.toMatch(/ALLOWED here may be denied/);
});
