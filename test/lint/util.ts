import { lintObjects, LintResult, LintRunOptions, parseCidrOption } from '../../src/lint/pack';
import { parseManifestText } from '../../src/manifests/decode';
import { Problem } from '../../src/semantics/model';

/** Lints YAML text (any number of documents); fails the test on invalid manifests. */
export function lintYaml(text: string, options: { podCidrs?: string[]; serviceCidrs?: string[]; rules?: LintRunOptions['rules'] } = {}): LintResult {
  const problems: Problem[] = [];
  const objects = parseManifestText(text, 'input.yaml', problems);
  return lintJson(objects.map((o) => o.object), options, problems);
}

/** Lints plain objects (e.g. a chart's `toJson()`). */
export function lintJson(objects: unknown[], options: { podCidrs?: string[]; serviceCidrs?: string[]; rules?: LintRunOptions['rules'] } = {}, earlier: Problem[] = []): LintResult {
  const result = lintObjects(objects.map((object, i) => ({ object, source: `objects[${i}]` })), {
    podCidrs: (options.podCidrs ?? []).map((c) => parseCidrOption(c, '--pod-cidr')),
    serviceCidrs: (options.serviceCidrs ?? []).map((c) => parseCidrOption(c, '--service-cidr')),
    rules: options.rules,
  }, earlier);
  if (result.problems.length > 0) throw new Error(`invalid manifests: ${JSON.stringify(result.problems)}`);
  return result;
}

/** The distinct rule ids of the findings, sorted. */
export function ruleIds(result: LintResult): string[] {
  return [...new Set(result.findings.map((f) => f.ruleId))].sort();
}

/** Three workloads in namespace shop: frontend (http 8080), backend (http 80), db (pg 5432). */
export const WORKLOADS = `
apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
${workload('frontend', 'http', 8080)}
---
${workload('backend', 'http', 80)}
---
${workload('db', 'pg', 5432)}
`;

export function workload(name: string, portName: string, port: number, namespace = 'shop'): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - name: main
          image: example
          ports: [{ name: ${portName}, containerPort: ${port} }]`;
}

/** The egress rule to the cluster DNS that ZeroTrustNamespace renders. */
export const DNS_RULE = `
    - to:
        - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: kube-system } }
          podSelector: { matchLabels: { k8s-app: kube-dns } }
      ports: [{ protocol: UDP, port: 53 }, { protocol: TCP, port: 53 }]`;

export function defaultDeny(namespace = 'shop', name = 'default-deny'): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
  egress:${DNS_RULE}`;
}

/** A NetworkPolicy in shop; `spec` is YAML indented by two spaces. */
export function policy(name: string, spec: string, annotations?: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: shop${annotations ? `\n  annotations:\n${annotations}` : ''}
spec:
${spec}`;
}

/** The workloads, the default deny, and the given documents. */
export function clean(...docs: string[]): string {
  return [WORKLOADS, defaultDeny(), ...docs].join('\n---\n');
}
