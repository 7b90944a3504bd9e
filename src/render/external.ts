import { normalizePorts } from './policy';
import { ExternalDestination } from '../model/external';
import { Port } from '../model/port';
import { cidrStrictlyContains, parseCidr } from '../private/cidr';
import { Json } from '../private/k8s';

/** Egress grants to external destinations, with a description of each; problems are appended, never thrown. */
export interface ExternalGrants {
  readonly grants: { peer: Json; ports: Port[] }[];
  /** One line per destination, e.g. `203.0.113.0/24 except 203.0.113.8/29 on TCP/443`. */
  readonly described: string[];
}

/**
 * Validates external destinations and turns them into ipBlock egress grants. `what` names the list in messages
 * (e.g. `destination` or `tier "backend" external destination`).
 */
export function externalGrants(destinations: ExternalDestination[], what: string, problems: string[]): ExternalGrants {
  const grants: { peer: Json; ports: Port[] }[] = [];
  const described: string[] = [];
  destinations.forEach((d, i) => {
    const label = `${what} #${i + 1} (${d.cidr})`;
    const peer = ipBlockPeer(d, label, problems);
    if (!d.ports || d.ports.length === 0) {
      problems.push(`${label} has no ports: list them, or say Port.allTcp() to allow every TCP port`);
      return;
    }
    for (const port of d.ports) problems.push(...port._problems().map((p) => `${label} port ${port}: ${p}`));
    grants.push({ peer, ports: d.ports });
    const except = peer.ipBlock.except ? ` except ${peer.ipBlock.except.join(', ')}` : '';
    described.push(`${peer.ipBlock.cidr}${except} on ${normalizePorts(d.ports).join(', ')}`);
  });
  return { grants, described };
}

function ipBlockPeer(d: ExternalDestination, label: string, problems: string[]): Json {
  const cidr = parseCidr(d.cidr);
  if (!cidr) {
    problems.push(`${label}: "${d.cidr}" is not a valid CIDR (e.g. "203.0.113.0/24" or "2001:db8::/64")`);
    return { ipBlock: { cidr: d.cidr } };
  }
  if (cidr.hostBitsSet) {
    problems.push(`${label}: "${d.cidr}" has host bits set, which is ambiguous: write "${cidr.text}" or a /${cidr.family === 4 ? 32 : 128} for one host`);
  }
  const except: string[] = [];
  for (const e of d.exceptions ?? []) {
    const inner = parseCidr(e);
    if (!inner) {
      problems.push(`${label}: exception "${e}" is not a valid CIDR`);
    } else if (!cidrStrictlyContains(cidr, inner)) {
      problems.push(`${label}: exception "${e}" is not strictly inside ${cidr.text}, which the API server rejects`);
    } else {
      except.push(inner.text);
    }
  }
  const ipBlock: Json = { cidr: cidr.text };
  if (except.length) ipBlock.except = [...new Set(except)].sort();
  return { ipBlock };
}

/** The fix named when external destinations are invalid. */
export const EXTERNAL_FIX = 'give valid CIDRs with host bits zero (e.g. "203.0.113.0/24"), exceptions strictly inside their CIDR, and ports 1-65535';
