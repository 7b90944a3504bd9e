import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { NetpolLint, PodSecurityLevel, PodSelection, Port, TierAccess, ZeroTrustNamespace } from '../../src';

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

    new TierAccess(this, 'tiers', {
      tiers: [
        { name: 'frontend', pods: PodSelection.workload(frontend) },
        {
          name: 'backend',
          pods: PodSelection.workload(backend),
          // Listed in backend's own policy: one object per tier (a separate EgressAllowList works too).
          externalDestinations: [{ cidr: '203.0.113.0/24', ports: [Port.tcp(443)] }],
        },
        { name: 'database', pods: PodSelection.workload(database) },
      ],
      flows: [
        { source: 'frontend', destination: 'backend', ports: [Port.tcp(80)] },
        { source: 'backend', destination: 'database', ports: [Port.tcp(5432)] },
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
