/**
 * From decoded documents to Kubernetes objects, as kubectl builds its object set: lists unwrapped (typed lists such
 * as `PodList`, whose items have no kind, included), kind and apiVersion required, and the kinds the engine reads
 * checked strictly. Lookups go through Maps, so a kind named `constructor` or `__proto__` is just an unknown kind.
 *
 * @see https://github.com/kubernetes/apimachinery/blob/master/pkg/apis/meta/v1/unstructured/helpers.go (decodeToList)
 */
import { SourcedObject } from './decode';
import { Problem } from './problem';
import { checkSchema, SCHEMAS } from './schema';
import { apiGroupOf, builtinKindProblem, unanalyzedKind } from '../private/api-kinds';
import { isPlainObject } from '../private/json';
import { WORKLOAD_KINDS } from '../private/k8s';
import { quote, typeName } from '../private/text';

/** The group/version the API server serves each kind the engine reads under. */
export const KIND_VERSIONS: ReadonlyMap<string, string> = new Map([
  ['NetworkPolicy', 'networking.k8s.io/v1'],
  ['ClusterNetworkPolicy', 'policy.networking.k8s.io/v1alpha2'],
  ['AdminNetworkPolicy', 'policy.networking.k8s.io/v1alpha1'],
  ['BaselineAdminNetworkPolicy', 'policy.networking.k8s.io/v1alpha1'],
  ['Namespace', 'v1'],
  ['Node', 'v1'],
  ['Pod', 'v1'],
  ['Service', 'v1'],
  ...[...WORKLOAD_KINDS].map(([kind, w]) => [kind, w.apiVersion] as [string, string]),
]);

const BY_LOWER_CASE = new Map([...KIND_VERSIONS.keys()].map((k) => [k.toLowerCase(), k]));

export { isPlainObject };

const absent = (x: unknown) => x === undefined || x === null || x === '';

/**
 * Unwraps lists into their items. An object is a list when it has `items` (as apimachinery decides); an item of a
 * typed list takes the kind and apiVersion it leaves out from the list (`PodList` -> `Pod`, the list's apiVersion),
 * while the items of a plain `List` need their own. A list inside a list is refused, as kubectl refuses it (it
 * flattens one level).
 */
export function expandLists(objects: readonly SourcedObject[], problems: Problem[]): SourcedObject[] {
  const out: SourcedObject[] = [];
  const visit = (o: SourcedObject) => {
    const obj = o.object;
    if (!isPlainObject(obj) || obj.items === undefined || obj.items === null) {
      out.push(o);
      return;
    }
    const listKind = typeof obj.kind === 'string' ? obj.kind : '';
    const report = (path: string, message: string) => problems.push({
      source: o.file ?? o.source, document: o.document, line: o.locate?.(path) ?? o.line, object: listKind || 'list', path, message, category: 'object',
    });
    if (!Array.isArray(obj.items)) {
      report('items', `must be a list, got ${typeName(obj.items)}`);
      return;
    }
    const itemKind = listKind.endsWith('List') ? listKind.slice(0, -'List'.length) : '';
    obj.items.forEach((item, i) => {
      const itemPath = `items[${i}]`;
      if (isPlainObject(item) && item.items !== undefined && item.items !== null) {
        // kubectl flattens one level: an item that is itself a list is looked up as a kind of its own and refused.
        report(itemPath, `a list inside a list is not read: kubectl refuses it (no matches for kind ${quote(item.kind)}): put its items in the outer list`);
        return;
      }
      let object: unknown = item;
      // A typed list's items are of its item type (PodList -> Pod): what an item leaves out comes from the list.
      if (isPlainObject(item) && itemKind !== '' && (absent(item.kind) || absent(item.apiVersion))) {
        object = { ...item, kind: absent(item.kind) ? itemKind : item.kind, apiVersion: absent(item.apiVersion) ? obj.apiVersion : item.apiVersion };
      }
      const locate = o.locate;
      visit({
        object,
        source: `${o.source} ${itemPath}`,
        file: o.file ?? o.source,
        document: o.document,
        line: locate?.(itemPath) ?? o.line,
        locate: locate ? (path) => locate(path === '' ? itemPath : `${itemPath}.${path}`) : undefined,
      });
    });
  };
  objects.forEach((o) => visit(o));
  return out;
}

/** What `checkObject` found: the kind to evaluate, or nothing (not an object the engine reads, or invalid). */
export interface CheckedObject {
  readonly kind?: string;
}

/**
 * Checks that a document is a Kubernetes object (a map with kind and apiVersion) and, for the kinds the engine
 * reads, that kind and apiVersion are served and every field is known. Problems go to `report`, by category.
 */
export function checkObject(
  obj: unknown,
  report: (path: string, message: string, category: Problem['category']) => void,
): CheckedObject {
  if (!isPlainObject(obj)) {
    report('', `a Kubernetes object is a map, got ${typeName(obj)}`, 'object');
    return {};
  }
  if (absent(obj.kind) && absent(obj.apiVersion)) {
    report('', 'no apiVersion or kind: this is not a Kubernetes object. If the file is not a manifest, leave it out of the input (--ignore GLOB)', 'object');
    return {};
  }
  if (absent(obj.kind) || typeof obj.kind !== 'string') {
    report('kind', absent(obj.kind) ? 'kind not set (every object needs one, e.g. kind: NetworkPolicy)' : `must be a string, got ${typeName(obj.kind)}`, 'object');
    return {};
  }
  if (absent(obj.apiVersion) || typeof obj.apiVersion !== 'string') {
    report('apiVersion', absent(obj.apiVersion) ? `apiVersion not set (e.g. apiVersion: ${KIND_VERSIONS.get(obj.kind) ?? 'v1'})` : `must be a string, got ${typeName(obj.apiVersion)}`, 'object');
    return {};
  }
  const kind = obj.kind;
  const version = KIND_VERSIONS.get(kind);
  if (version === undefined) {
    const likely = BY_LOWER_CASE.get(kind.toLowerCase());
    if (likely !== undefined) {
      report('kind', `no kind ${quote(kind)} in ${quote(obj.apiVersion)}: kinds are case-sensitive, did you mean ${likely}?`, 'invalid');
      return {};
    }
    // A kind the API server does not serve in its own groups is an error there (kubectl: no matches for kind).
    const unserved = builtinKindProblem(kind, obj.apiVersion);
    if (unserved !== undefined) report('kind', unserved, 'invalid');
    return {}; // ConfigMaps, Secrets, custom resources...: nothing NetworkPolicy semantics depends on.
  }
  // Calico's and Antrea's NetworkPolicy, Antrea's ClusterNetworkPolicy: same kind name, another API (read, not evaluated).
  if (apiGroupOf(obj.apiVersion) !== apiGroupOf(version) && unanalyzedKind(kind, obj.apiVersion) !== undefined) return {};
  if (obj.apiVersion !== version) {
    report('apiVersion', `${quote(obj.apiVersion)} does not serve ${kind} (kubectl: no matches for kind): use apiVersion: ${version}`, 'invalid');
    return {};
  }
  const schema = SCHEMAS.get(kind);
  if (schema) checkSchema(obj, schema, '', (path, message) => report(path, message, 'invalid'));
  return { kind };
}
