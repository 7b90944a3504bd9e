/**
 * `kubectl apply -n NS`: objects of namespaced kinds without a namespace get NS; an object that names another
 * namespace is an error, as kubectl refuses it ("the namespace from the provided object does not match").
 *
 * @see https://kubernetes.io/docs/reference/kubectl/generated/kubectl_apply/
 */
import { SourcedObject } from './decode';
import { Problem } from './problem';
import { dns1123LabelProblem } from '../private/labels';

/** Kinds that are cluster-scoped, so `-n` leaves them alone (kubectl learns this from discovery; offline, a list). */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'StorageClass', 'PriorityClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService',
  'IngressClass', 'RuntimeClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'CertificateSigningRequest',
  'FlowSchema', 'PriorityLevelConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
  'ClusterNetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'ClusterIssuer', 'ComponentStatus',
]);

/** The problem with a `-n` value, if any. */
export function namespaceOptionProblem(namespace: string): string | undefined {
  const p = dns1123LabelProblem(namespace);
  return p ? `--namespace ${JSON.stringify(namespace).slice(0, 80)}: ${p}` : undefined;
}

/**
 * Applies `-n NS` to raw objects (and the items of lists), returning new objects; the input is not changed.
 */
export function applyNamespace(objects: readonly SourcedObject[], namespace: string, problems: Problem[]): SourcedObject[] {
  const out: SourcedObject[] = [];
  for (const o of objects) {
    const value = withNamespace(o.object, namespace, (object, message) =>
      problems.push({
        // The file alone: `source` already says where in it (`file:line (document N)`), which whereText adds again.
        source: o.file ?? o.source,
        document: o.document,
        line: o.locate?.('metadata.namespace') ?? o.line,
        object,
        path: 'metadata.namespace',
        message,
        category: 'invalid',
      }));
    out.push(value === o.object ? o : { ...o, object: value });
  }
  return out;
}

function withNamespace(value: unknown, namespace: string, report: (object: string, message: string) => void): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const obj = value as { [key: string]: unknown };
  if (Array.isArray(obj.items) && typeof obj.kind === 'string' && obj.kind.endsWith('List')) {
    return { ...obj, items: obj.items.map((item) => withNamespace(item, namespace, report)) };
  }
  const kind = typeof obj.kind === 'string' ? obj.kind : undefined;
  const metadata = obj.metadata;
  if (kind === undefined || CLUSTER_SCOPED.has(kind) || metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    return value;
  }
  const meta = metadata as { [key: string]: unknown };
  const current = meta.namespace;
  if (current === undefined || current === null || current === '') {
    return { ...obj, metadata: { ...meta, namespace } };
  }
  if (current !== namespace) {
    const name = typeof meta.name === 'string' ? meta.name : '?';
    report(`${kind} ${String(current)}/${name}`.slice(0, 200),
      `the object says namespace ${JSON.stringify(String(current)).slice(0, 80)} but --namespace is ${JSON.stringify(namespace)}: kubectl refuses that; drop -n, or make them agree`);
  }
  return value;
}
