/**
 * Kubernetes label syntax, as the API server validates it. Each function returns a problem description, or
 * `undefined` when the input is valid, so callers can wrap the text in their own error (construct path, file...).
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
 */
import { quote } from './text';

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function labelKeyProblem(key: string): string | undefined {
  if (typeof key !== 'string' || key.length === 0) return 'a label key must be a non-empty string';
  const parts = key.split('/');
  if (parts.length > 2) return `label key ${quote(key)} has more than one "/"`;
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) {
      return `label key ${quote(key)} has an invalid prefix ${quote(prefix)}: it must be a lowercase DNS subdomain of at most 253 characters (e.g. "example.com")`;
    }
  }
  if (name.length === 0 || name.length > 63 || !NAME.test(name)) {
    return `label key ${quote(key)} has an invalid name ${quote(name)}: at most 63 characters, alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric`;
  }
  return undefined;
}

export function labelValueProblem(value: string): string | undefined {
  if (typeof value !== 'string') return `label value ${quote(value)} must be a string`;
  if (value.length === 0) return undefined;
  if (value.length > 63 || !NAME.test(value)) {
    return `label value ${quote(value)} is invalid: at most 63 characters, alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric (or empty)`;
  }
  return undefined;
}

/** Problems of a whole label map, one entry per bad key or value. */
export function labelsProblems(labels: { [key: string]: string }): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(labels).sort()) {
    const k = labelKeyProblem(key);
    if (k) problems.push(k);
    const v = labelValueProblem(labels[key]);
    if (v) problems.push(`${v} (key ${quote(key)})`);
  }
  return problems;
}

/** RFC 1123 label: object names such as Namespaces, and our generated policy names. */
export function dns1123LabelProblem(name: string): string | undefined {
  if (typeof name !== 'string' || name.length === 0 || name.length > 63 || !DNS1123_LABEL.test(name)) {
    return `${quote(name)} is not a valid DNS-1123 label: at most 63 lowercase alphanumerics or '-', starting and ending with an alphanumeric`;
  }
  return undefined;
}

/** RFC 1123 subdomain: names of most namespaced objects (Pods, NetworkPolicies...). */
export function dns1123SubdomainProblem(name: string): string | undefined {
  if (typeof name !== 'string' || name.length === 0 || name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    return `${quote(name)} is not a valid DNS-1123 subdomain: at most 253 lowercase alphanumerics, '-' or '.'`;
  }
  return undefined;
}

/**
 * IANA_SVC_NAME, the syntax of a named container port: 1-15 characters, lowercase alphanumerics and '-',
 * at least one letter, no leading, trailing or doubled '-'.
 */
export function portNameProblem(name: string): string | undefined {
  if (
    typeof name !== 'string' ||
    name.length === 0 ||
    name.length > 15 ||
    !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name) ||
    name.includes('--') ||
    !/[a-z]/.test(name)
  ) {
    return `${quote(name)} is not a valid port name (IANA_SVC_NAME): 1-15 lowercase alphanumerics or '-', at least one letter, no leading, trailing or doubled '-'`;
  }
  return undefined;
}

/** A port number must be an integer in 1..65535. */
export function portNumberProblem(port: number): string | undefined {
  if (typeof port !== 'number') return `port ${JSON.stringify(port)} is not a number: give an integer from 1 to 65535, or Port.named() for a name`;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return `port ${quote(port)} is out of range: use an integer from 1 to 65535 (leave the port out to mean every port)`;
  }
  return undefined;
}
