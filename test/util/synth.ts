import { ApiObject, App, Chart, ChartProps, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import * as yaml from 'yaml';

/** A fresh chart in a fresh app, as the construct tests need it. */
export function newChart(props: ChartProps = {}): Chart {
  const app: App = Testing.app();
  return new Chart(app, 'test', props);
}

/** The synthesized objects of a chart (runs the app's validations, as `cdk8s synth` does). */
export function synth(chart: Chart): any[] {
  return chart.toJson();
}

/** The synthesized objects of one kind. */
export function ofKind(chart: Chart, kind: string): any[] {
  return synth(chart).filter((o) => o.kind === kind);
}

/** One NetworkPolicy by name; fails when absent. */
export function policy(chart: Chart, name: string): any {
  const found = ofKind(chart, 'NetworkPolicy').filter((o) => o.metadata.name === name);
  if (found.length !== 1) {
    const names = ofKind(chart, 'NetworkPolicy').map((o) => o.metadata.name);
    throw new Error(`expected one NetworkPolicy "${name}", found ${found.length}; policies: ${names.join(', ')}`);
  }
  return found[0];
}

/** The chart as YAML text, the form users review and snapshot. */
export function toYaml(chart: Chart): string {
  return synth(chart)
    .map((o) => yaml.stringify(o))
    .join('---\n');
}

/**
 * Validates every object against the Kubernetes OpenAPI schema with kubernetes-models: returns the problems.
 */
export function schemaProblems(objects: any[]): string[] {
  const problems: string[] = [];
  for (const obj of objects) {
    const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : [undefined, obj.apiVersion];
    const modulePath = group ? `kubernetes-models/${group}/${version}/${obj.kind}` : `kubernetes-models/${version}/${obj.kind}`;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Model = require(modulePath)[obj.kind];
    try {
      new Model(obj).validate();
    } catch (e) {
      problems.push(`${obj.kind} ${obj.metadata?.name}: ${(e as Error).message}`);
    }
  }
  return problems;
}

/** Builds a construct in a fresh chart and returns the error message it throws. */
export function errorOf(build: (chart: Chart) => Construct | void, props: ChartProps = { namespace: 'shop' }): string {
  const chart = newChart(props);
  try {
    build(chart);
    synth(chart);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error, but the construct synthesized');
}

/** Adds a bare Pod (with optional named container ports and IP) to a chart, for reachability checks. */
export function addPod(
  chart: Chart,
  namespace: string,
  name: string,
  labels: { [key: string]: string },
  options: { ports?: { name?: string; containerPort: number; protocol?: string }[]; ip?: string } = {},
): void {
  new ApiObject(chart, `pod-${namespace}-${name}`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: { containers: [{ name: 'main', image: 'example', ports: options.ports }] },
    ...(options.ip ? { status: { podIP: options.ip } } : {}),
  } as any);
}

/** The cluster DNS as `Peer.kubeDns()` (the default DNS of a ZeroTrustNamespace) selects it. */
export function addKubeDns(chart: Chart): void {
  addPod(chart, 'kube-system', 'coredns', { 'k8s-app': 'kube-dns' });
}
