import * as path from 'path';
import { App } from 'cdk8s';
import { SecureApp } from './app';
import { Port, Reachability } from '../../src';

// Synthesizes the example to dist/secure-app/ and prints the flows its policies allow.
const outdir = path.join(__dirname, '..', '..', 'dist', 'secure-app');
const app = new App({ outdir });
const chart = new SecureApp(app, 'secure-app');
app.synth();
console.log(`Wrote ${path.relative(process.cwd(), path.join(outdir, 'secure-app.k8s.yaml'))}`);

// The cluster DNS is not part of the app: a stand-in kube-dns pod lets the engine check the DNS carve-out too.
const kubeDns = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
  spec: { containers: [{ name: 'coredns', image: 'coredns/coredns' }] },
};
const reach = Reachability.fromObjects([...chart.toJson(), kubeDns]);
const checks: [string, string, Port][] = [
  ['secure-app/frontend', 'secure-app/backend', Port.tcp(80)],
  ['secure-app/backend', 'secure-app/database', Port.tcp(5432)],
  ['secure-app/backend', '203.0.113.10', Port.tcp(443)],
  ['secure-app/frontend', 'kube-system/coredns', Port.DNS_UDP],
  ['secure-app/database', 'kube-system/coredns', Port.DNS_TCP],
  ['secure-app/frontend', 'secure-app/database', Port.tcp(5432)],
  ['secure-app/database', 'secure-app/backend', Port.tcp(80)],
  ['secure-app/frontend', '203.0.113.10', Port.tcp(443)],
  ['secure-app/backend', '198.51.100.10', Port.tcp(443)],
];
console.log('\nFlows (checked by the reachability engine on the synthesized manifests):');
for (const [from, to, port] of checks) {
  console.log(`  ${reach.isAllowed(from, to, port) ? 'ALLOWED' : 'denied '}  ${from} -> ${to} on ${port}`);
}
for (const port of [Port.tcp(80), Port.tcp(5432)]) console.log(`\n${reach.matrix(port)}`);
