import { ApiObject, App, Chart } from 'cdk8s';
import { ClusterGuardrails, GuardrailRendering, Peer, Port } from '../../src';
import { platform, ShopEnvironment } from '../platform/app';

/** The cluster-wide guardrails of the platform team, in a chart of their own. */
export class PlatformGuardrails extends Chart {
  public readonly guardrails: ClusterGuardrails;

  constructor(scope: App, id: string, rendering: GuardrailRendering) {
    super(scope, id);
    // A namespace the platform hands to developers for experiments: no ZeroTrustNamespace, nothing deployed by the
    // app, but labelled env=dev, so the guardrails cover it (in both renderings).
    new ApiObject(this, 'sandbox', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sandbox', labels: { env: 'dev' } } });
    // A default-deny for every namespace but the platform's own (kube-system, monitoring, ingress-nginx...), with
    // DNS, and the cloud metadata endpoint denied to all of them: both on by default.
    this.guardrails = new ClusterGuardrails(this, 'guardrails', { rendering });
    // No dev namespace may reach a prod one, whatever either namespace's own policies say.
    this.guardrails.denyBetween(Peer.namespaces({ labels: { env: 'dev' } }), Peer.namespaces({ labels: { env: 'prod' } }));
    // Prometheus scrapes every pod on its `metrics` port, whatever a namespace's own policies say.
    this.guardrails.alwaysAllow(Peer.prometheus(), Peer.allNamespaces(), { ports: [Port.named('metrics')] });
  }
}

/** The platform example (three zero-trust environments labelled env=dev|staging|prod) under cluster guardrails. */
export function guardedPlatform(app: App, rendering: GuardrailRendering = GuardrailRendering.CLUSTER_NETWORK_POLICY): {
  environments: ShopEnvironment[];
  guardrails: PlatformGuardrails;
} {
  const environments = platform(app);
  const guardrails = new PlatformGuardrails(app, 'platform-guardrails', rendering);
  return { environments, guardrails };
}
