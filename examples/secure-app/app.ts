import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { NetpolLint, Peer, PodSecurityLevel, PodSelection, Port, Tier, TierAccess, ZeroTrustNamespace } from '../../src';

/**
 * The seeds' scenario: namespace `secure-app` with frontend (nginx), backend and database (postgres); deny-all;
 * frontend -> backend on TCP 80; backend -> database on TCP 5432; backend egress only to 203.0.113.0/24; DNS works.
 */
export class SecureApp extends Chart {
  constructor(scope: App, id: string) {
    super(scope, id, { namespace: 'secure-app' });

    new ZeroTrustNamespace(this, 'namespace', {
      name: 'secure-app',
      podSecurity: { enforce: PodSecurityLevel.BASELINE },
    });

    const frontend = workload(this, 'frontend', 'nginx:1.27', 80, 'http');
    const backend = workload(this, 'backend', 'ghcr.io/example/backend:1.0.0', 80, 'http');
    const database = workload(this, 'database', 'postgres:16', 5432, 'postgres');

    // Tiers are pods this app owns; flows name them, or peers the app does not own (here, an address block).
    const frontendTier = new Tier(this, 'frontend-tier', { name: 'frontend', pods: PodSelection.workload(frontend) });
    const backendTier = new Tier(this, 'backend-tier', { name: 'backend', pods: PodSelection.workload(backend) });
    const databaseTier = new Tier(this, 'database-tier', { name: 'database', pods: PodSelection.workload(database) });

    new TierAccess(this, 'tiers', {
      flows: [
        { source: frontendTier, destination: backendTier, ports: [Port.tcp(80)] },
        { source: backendTier, destination: databaseTier, ports: [Port.tcp(5432)] },
        { source: backendTier, destination: Peer.cidr('203.0.113.0/24'), ports: [Port.tcp(443)] },
      ],
    });

    // Fail synthesis on any lint error (docs/RULES.md).
    NetpolLint.enable(this);
  }
}

/**
 * A Deployment whose pods carry `app: <name>` and which selects them by that label (instead of cdk8s-plus's
 * generated `cdk8s.io/metadata.addr` label), so policies that select it by workload say `app: <name>` too.
 */
function workload(chart: Chart, name: string, image: string, port: number, portName: string): kplus.Deployment {
  const deployment = new kplus.Deployment(chart, name, {
    metadata: { name },
    replicas: 1,
    select: false,
    podMetadata: { labels: { app: name } },
    containers: [
      {
        name,
        image,
        ports: [{ number: port, name: portName }],
        securityContext: { ensureNonRoot: false, readOnlyRootFilesystem: false },
      },
    ],
  });
  deployment.select(kplus.LabelSelector.of({ labels: { app: name } }));
  return deployment;
}
