import { isPlainObject } from '../../manifests/objects';
import { emptySelectorField } from '../facts';
import { isEmptySelector, policiesIn } from '../helpers';
import { LintRule, RawFinding } from '../model';
import { LintSeverity } from '../severity';

/** The pre-1.7 namespace annotation that once turned on default-deny ingress (extensions/v1beta1 NetworkPolicy). */
export const OBSOLETE_ISOLATION_ANNOTATION = 'net.beta.kubernetes.io/network-policy';

/**
 * Before Kubernetes 1.7, ingress isolation was turned on per namespace by an annotation; since networking.k8s.io/v1 it
 * is turned on by a policy selecting the pods, and the annotation does nothing.
 *
 * @see https://kubernetes.io/blog/2017/06/kubernetes-1-7-security-hardening-stateful-application-extensibility-updates/
 */
export const NP019: LintRule = {
  id: 'NP019',
  name: 'obsolete-isolation-annotation',
  severity: LintSeverity.ERROR,
  summary: `A Namespace relies on the pre-1.7 annotation \`${OBSOLETE_ISOLATION_ANNOTATION}\` for default deny, which does nothing today.`,
  why: `\`${OBSOLETE_ISOLATION_ANNOTATION}: {"ingress": {"isolation": "DefaultDeny"}}\` was the beta way to isolate a namespace; since Kubernetes 1.7 no network plugin reads it, so a namespace that relies on it accepts every connection while its manifest reads as isolated. An error when no namespace-wide policy isolates Ingress; hardening advice (info: remove the dead annotation) when one does.`,
  fix: 'Add a NetworkPolicy with `podSelector: {}` and `policyTypes: [Ingress]` to the namespace, then remove the annotation.',
  check: (context) => {
    const findings: RawFinding[] = [];
    for (const ns of context.cluster.namespaces.values()) {
      if (!ns.declared) continue;
      const raw = context.rawObject(`Namespace ${ns.name}`);
      const metadata = raw && isPlainObject(raw.metadata) ? raw.metadata : {};
      const annotations = isPlainObject(metadata.annotations) ? metadata.annotations : {};
      const value = annotations[OBSOLETE_ISOLATION_ANNOTATION];
      if (value === undefined) continue;
      const path = `metadata.annotations.${OBSOLETE_ISOLATION_ANNOTATION}`;
      // A policy whose empty selector was written as `matchLabels: null` isolates the namespace by accident (NP021): it is
      // no default deny to rely on.
      const covered = policiesIn(context.cluster, ns.name)
        .some((p) => p.isolatesIngress && isEmptySelector(p.podSelector) && emptySelectorField(context, p) === undefined);
      findings.push(covered ? {
        object: `Namespace ${ns.name}`,
        path,
        severity: LintSeverity.INFO,
        message: `namespace ${ns.name}: ${path} is the pre-1.7 default-deny annotation, which does nothing today (a namespace-wide NetworkPolicy isolates the namespace already). Fix: remove the annotation`,
      } : {
        object: `Namespace ${ns.name}`,
        path,
        message: `namespace ${ns.name}: ${path} is the pre-1.7 default-deny annotation, which no network plugin reads since Kubernetes 1.7, and no NetworkPolicy isolates the namespace for Ingress: its pods accept every connection that no policy of their own denies. Fix: add a NetworkPolicy in ${ns.name} with \`podSelector: {}\` and \`policyTypes: [Ingress]\`, then remove the annotation`,
      });
    }
    return findings;
  },
};
