/**
 * networking.k8s.io/v1 NetworkPolicy, typed: what render produces. The field names and optionality follow the API
 * (`kubectl explain networkpolicy.spec`); only what render writes is modelled.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/
 */

export interface KubeLabelSelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: string[];
}

export interface KubeLabelSelector {
  readonly matchLabels?: { [key: string]: string };
  readonly matchExpressions?: KubeLabelSelectorRequirement[];
}

export interface KubeIpBlock {
  readonly cidr: string;
  readonly except?: string[];
}

export interface KubeNetworkPolicyPeer {
  readonly podSelector?: KubeLabelSelector;
  readonly namespaceSelector?: KubeLabelSelector;
  readonly ipBlock?: KubeIpBlock;
}

export interface KubeNetworkPolicyPort {
  readonly protocol?: string;
  readonly port?: number | string;
  readonly endPort?: number;
}

export interface KubeNetworkPolicyIngressRule {
  readonly from?: KubeNetworkPolicyPeer[];
  readonly ports?: KubeNetworkPolicyPort[];
}

export interface KubeNetworkPolicyEgressRule {
  readonly to?: KubeNetworkPolicyPeer[];
  readonly ports?: KubeNetworkPolicyPort[];
}

export interface KubeNetworkPolicySpec {
  readonly podSelector: KubeLabelSelector;
  readonly policyTypes: ('Ingress' | 'Egress')[];
  readonly ingress?: KubeNetworkPolicyIngressRule[];
  readonly egress?: KubeNetworkPolicyEgressRule[];
}
