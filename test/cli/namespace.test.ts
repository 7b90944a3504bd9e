import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Port, Reachability } from '../../src';
import { runCli } from '../util/cli';

/** A namespace-less install, as projects ship for `kubectl apply -n NS`. */
const NAMESPACELESS = `apiVersion: v1
kind: Pod
metadata: { name: web, labels: { app: web } }
spec: { containers: [{ name: c, image: i, ports: [{ containerPort: 80 }] }] }
---
apiVersion: v1
kind: Pod
metadata: { name: client, labels: { app: client } }
spec: { containers: [{ name: c, image: i }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Ingress]
  ingress: [{ from: [{ podSelector: { matchLabels: { app: client } } }], ports: [{ port: 80 }] }]
---
apiVersion: v1
kind: Namespace
metadata: { name: shop }
`;

describe('-n/--namespace, as kubectl apply -n', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-ns-'));
  const file = path.join(dir, 'install.yaml');
  fs.writeFileSync(file, NAMESPACELESS);

  test.each(['reach', 'connections', 'lint'])('%s puts objects without a namespace into the one given', (command) => {
    const args = command === 'reach' ? [command, file, '--port', '80', '-n', 'shop'] : [command, file, '--namespace', 'shop'];
    const r = runCli(args);
    const out = `${r.stdout}${r.stderr}`;
    expect(out).toMatch(command === 'lint' ? /namespace shop \(2 pod\/workloads\)/ : /shop\/web/);
    expect(out).not.toMatch(/default\/|namespace default/);
  });

  test('explain answers for the namespace given, and default stays the default without -n', () => {
    const withNs = runCli(['explain', file, '-n', 'shop', '--from', 'shop/client', '--to', 'shop/web', '--port', '80']);
    expect(withNs.code).toBe(0);
    expect(withNs.stdout).toMatch(/ALLOWED/);
    const without = runCli(['explain', file, '--from', 'default/client', '--to', 'default/web', '--port', '80']);
    expect(without.stdout).toMatch(/ALLOWED/);
  });

  test('an object naming another namespace is an error, as kubectl refuses it', () => {
    const other = path.join(dir, 'other.yaml');
    fs.writeFileSync(other, NAMESPACELESS.replace('metadata: { name: client,', 'metadata: { name: client, namespace: payments,'));
    const r = runCli(['lint', other, '-n', 'shop']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Pod payments\/client: metadata\.namespace: the object says namespace "payments" but --namespace is "shop": kubectl refuses that/);
    // The place once, as every other problem gives it: file:line (document N), not file:line:line.
    expect(r.stderr).toMatch(/the API server would reject: \S*other\.yaml:\d+ \(document \d+\): Pod payments\/client/);
  });

  test('an invalid namespace is a usage error', () => {
    const r = runCli(['reach', file, '--port', '80', '-n', 'Shop_1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--namespace "Shop_1": .*not a valid/);
  });

  test('Reachability.fromYaml and fromObjects take the same namespace', () => {
    const reach = Reachability.fromYaml(NAMESPACELESS, 'install.yaml', 'shop');
    reach.allows('shop/client', 'shop/web', Port.tcp(80));
    expect(reach.endpoints()).toEqual(['shop/client', 'shop/web']);
    expect(() => Reachability.fromYaml(NAMESPACELESS, 'install.yaml', 'Bad')).toThrow(/namespace "Bad"/);
  });
});

describe('an object set as kubectl apply -f reads it', () => {
  test('the same NetworkPolicy in two files: the later file wins, and a note names both', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-set-'));
    fs.writeFileSync(path.join(dir, 'a-install.yaml'), NAMESPACELESS);
    // A later version of the policy that also admits web's own app label on port 8080 only.
    fs.writeFileSync(path.join(dir, 'b-patch.yaml'), `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Ingress]
  ingress: [{ from: [{ podSelector: { matchLabels: { app: client } } }], ports: [{ port: 8080 }] }]
`);
    const r = runCli(['explain', dir, '--from', 'default/client', '--to', 'default/web', '--port', '80']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/DENIED/);
    expect(r.stderr).toMatch(/note: .*b-patch\.yaml:1: NetworkPolicy default\/web: appears again here \(first at .*a-install\.yaml:\d+ \(document 3\)\): the later one is used/);
  });
});
