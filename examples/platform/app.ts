import { App, Chart, Cron } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { NetpolLint, Peer, PodSecurityLevel, PodSelection, Port, Tier, TierAccess, ZeroTrustNamespace } from '../../src';

/** The environments, each a zero-trust namespace that the others cannot reach. */
export const ENVIRONMENTS = ['shop-dev', 'shop-staging', 'shop-prod'];

/** The shop's services: name and serving port. Every container also declares `metrics` on 9090. */
const SERVICES: [string, number][] = [['web', 8080], ['api', 8080], ['postgres', 5432]];

/**
 * One environment of the shop, as a platform team writes it: three Deployments and their Services, flows web -> api
 * -> postgres, ingress-nginx in front of web, Prometheus scraping every pod on the named port `metrics`. In prod, api
 * also reaches a payment API outside the cluster, web accepts the load balancer's range, and a CronJob reads postgres.
 *
 * The ingress controller and Prometheus are not the app's: they are peers, never selected by any policy it writes.
 */
export class ShopEnvironment extends Chart {
  /** The environment's tiers by name: web, api, postgres (and report in prod). */
  public readonly tiers = new Map<string, Tier>();

  constructor(scope: App, env: string) {
    super(scope, env, { namespace: env });
    // The env label (dev, staging, prod) is what cluster guardrails select environments by (examples/guardrails).
    const namespace = new ZeroTrustNamespace(this, 'namespace', {
      name: env,
      labels: { env: env.replace(/^shop-/, '') },
      podSecurity: { enforce: PodSecurityLevel.BASELINE },
    });

    const tiers = this.tiers;
    for (const [name, port] of SERVICES) {
      const deployment = workload(this, name, port);
      deployment.exposeViaService({ name, ports: [{ port, targetPort: port }] });
      tiers.set(name, new Tier(this, `${name}-tier`, { name, pods: PodSelection.workload(deployment) }));
    }
    const web = tiers.get('web')!;
    const api = tiers.get('api')!;
    const postgres = tiers.get('postgres')!;

    const flows = new TierAccess(this, 'flows', {
      flows: [
        { source: web, destination: api, ports: [Port.tcp(8080)] },
        { source: api, destination: postgres, ports: [Port.tcp(5432)] },
        { source: Peer.ingressController(), destination: web, ports: [Port.tcp(8080)] },
        { source: Peer.prometheus(), destination: namespace, ports: [Port.named('metrics')] },
      ],
    });

    if (env === 'shop-prod') {
      // The payment API, the load balancer's health checks and the nightly report: prod only.
      flows.addFlow({ source: api, destination: Peer.cidr('198.51.100.0/24'), ports: [Port.tcp(443)] });
      flows.addFlow({ source: Peer.cidr('192.0.2.0/24'), destination: web, ports: [Port.tcp(8080)] });
      const report = new kplus.CronJob(this, 'report', {
        metadata: { name: 'report' },
        schedule: Cron.daily(),
        podMetadata: { labels: { app: 'report' } },
        containers: [{ name: 'report', image: 'ghcr.io/example/report:1.0.0', securityContext: { ensureNonRoot: false } }],
      });
      const reportTier = new Tier(this, 'report-tier', { name: 'report', pods: PodSelection.workload(report) });
      tiers.set('report', reportTier);
      flows.addFlow({ source: reportTier, destination: postgres, ports: [Port.tcp(5432)] });
    }

    // Fail synthesis on any lint error (docs/RULES.md).
    NetpolLint.enable(this);
  }
}

/** The platform: one chart per environment. */
export function platform(app: App): ShopEnvironment[] {
  return ENVIRONMENTS.map((env) => new ShopEnvironment(app, env));
}

/** A Deployment whose pods carry `app: <name>` and which selects them by it; ports: serving and `metrics` 9090. */
function workload(chart: Chart, name: string, port: number): kplus.Deployment {
  const deployment = new kplus.Deployment(chart, name, {
    metadata: { name },
    replicas: 1,
    select: false,
    podMetadata: { labels: { app: name } },
    containers: [
      {
        name,
        image: `ghcr.io/example/${name}:1.0.0`,
        ports: [{ number: port, name: 'serving' }, { number: 9090, name: 'metrics' }],
        securityContext: { ensureNonRoot: false, readOnlyRootFilesystem: false },
      },
    ],
  });
  deployment.select(kplus.LabelSelector.of({ labels: { app: name } }));
  return deployment;
}
