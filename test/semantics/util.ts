/** Small builders for raw Kubernetes objects, so tests show only what matters. */

export interface PodOptions {
  readonly ip?: string;
  readonly ports?: { name?: string; containerPort: number; protocol?: string }[];
}

export function namespace(name: string, labels: { [key: string]: string } = {}): any {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export function pod(id: string, labels: { [key: string]: string } = {}, options: PodOptions = {}): any {
  const [ns, name] = id.split('/');
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: { containers: [{ name: 'main', image: 'app', ports: options.ports }] },
    ...(options.ip ? { status: { podIP: options.ip } } : {}),
  };
}

export function deployment(id: string, labels: { [key: string]: string }, ports: { name?: string; containerPort: number }[] = []): any {
  const [ns, name] = id.split('/');
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'app', ports }] } },
    },
  };
}

export function policy(id: string, spec: any): any {
  const [ns, name] = id.split('/');
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec };
}

export function clusterPolicy(name: string, spec: any): any {
  return { apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', metadata: { name }, spec };
}

/** A namespace selector by the `team` label, and the ClusterNetworkPolicy peer of that team's namespaces. */
export const team = (t: string) => ({ matchLabels: { team: t } });
export const inTeam = (t: string) => ({ namespaces: team(t) });
