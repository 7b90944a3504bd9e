import * as path from 'path';
import { App } from 'cdk8s';
import { ENVIRONMENTS, platform } from './app';
import { IPeer, Peer, Port, Reachability } from '../../src';

// Synthesizes the platform example to dist/platform/ (a file per environment) and prints the flows it allows.
const outdir = path.join(__dirname, '..', '..', 'dist', 'platform');
const app = new App({ outdir });
const charts = platform(app);
app.synth();
for (const env of ENVIRONMENTS) console.log(`Wrote ${path.relative(process.cwd(), path.join(outdir, `${env}.k8s.yaml`))}`);

// The ingress controller, Prometheus and the cluster DNS are not part of the app: the engine checks flows with them
// through stand-in pods built from their peers.
const reach = Reachability.of(app);
const tier = (env: string, name: string): IPeer => charts[ENVIRONMENTS.indexOf(env)].tiers.get(name)!;
const checks: [string, IPeer, IPeer, Port][] = [];
for (const env of ENVIRONMENTS) {
  checks.push(
    [`${env}: web -> api`, tier(env, 'web'), tier(env, 'api'), Port.tcp(8080)],
    [`${env}: api -> postgres`, tier(env, 'api'), tier(env, 'postgres'), Port.tcp(5432)],
    [`${env}: ingress-nginx -> web`, Peer.ingressController(), tier(env, 'web'), Port.tcp(8080)],
    [`${env}: Prometheus -> postgres metrics`, Peer.prometheus(), tier(env, 'postgres'), Port.named('metrics')],
    [`${env}: web -> cluster DNS`, tier(env, 'web'), Peer.kubeDns(), Port.DNS_UDP],
    [`${env}: web -> postgres`, tier(env, 'web'), tier(env, 'postgres'), Port.tcp(5432)],
    [`${env}: ingress-nginx -> api`, Peer.ingressController(), tier(env, 'api'), Port.tcp(8080)],
  );
}
checks.push(
  ['shop-prod: api -> payment API', tier('shop-prod', 'api'), Peer.cidr('198.51.100.0/24'), Port.tcp(443)],
  ['shop-prod: api -> elsewhere', tier('shop-prod', 'api'), Peer.cidr('203.0.113.0/24'), Port.tcp(443)],
  ['shop-prod: load balancer -> web', Peer.cidr('192.0.2.0/24'), tier('shop-prod', 'web'), Port.tcp(8080)],
  ['shop-prod: report -> postgres', tier('shop-prod', 'report'), tier('shop-prod', 'postgres'), Port.tcp(5432)],
  ['shop-dev: api -> shop-prod postgres', tier('shop-dev', 'api'), tier('shop-prod', 'postgres'), Port.tcp(5432)],
  ['shop-staging: api -> payment API', tier('shop-staging', 'api'), Peer.cidr('198.51.100.0/24'), Port.tcp(443)],
);
console.log('\nFlows (checked by the reachability engine on the synthesized manifests):');
for (const [what, from, to, port] of checks) {
  console.log(`  ${reach.isFlowAllowed(from, to, port) ? 'ALLOWED' : 'denied '}  ${what} on ${port}`);
}
