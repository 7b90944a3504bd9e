import { ConnectionChange } from './api';
import { rangesOf } from './convert';
import { Reachability } from './reachability';
import { DiffEntry, diffClusters, diffMarkdown, DiffResult, diffText, entryPortsText, openedByText } from '../analysis/diff';
import { Protocol } from '../model/port';

/**
 * What a change to the manifests opens and closes: the connections added and removed between two inputs.
 *
 * A connection is added when the newer input allows it and the older does not; each added one names the rules that
 * open it (and the construct path when the policies carry the `cdk8s-netpol.dev/construct` annotation). The same
 * as `cdk8s-netpol diff OLD NEW`.
 *
 * @example
 * const before = Reachability.fromYaml('...');   // e.g. the synth output of the base
 * const after = Reachability.of(this);
 * const diff = ConnectionDiff.between(before, after);
 * const broadening = diff.isBroadening;   // true when anything was added
 * const comment = diff.toMarkdown();     // for a pull-request comment
 */
export class ConnectionDiff {
  /**
   * Compares two evaluated inputs, e.g. `Reachability.of(appBefore)` and `Reachability.of(appAfter)`.
   *
   * @param older the input before the change
   * @param newer the input after the change
   */
  public static between(older: Reachability, newer: Reachability): ConnectionDiff {
    return new ConnectionDiff(diffClusters(older._cluster(), newer._cluster()));
  }

  /** Connections the newer input allows and the older does not, sorted by source then destination. */
  public readonly added: ConnectionChange[];
  /** Connections the older input allows and the newer does not, sorted by source then destination. */
  public readonly removed: ConnectionChange[];
  /** True when anything was added. */
  public readonly isBroadening: boolean;
  private readonly result: DiffResult;

  private constructor(result: DiffResult) {
    this.result = result;
    this.added = result.added.map(change);
    this.removed = result.removed.map(change);
    this.isBroadening = result.broadening;
  }

  /** Markdown made for a pull-request comment (a table of added connections with their rules, then removed ones). */
  public toMarkdown(): string {
    return diffMarkdown(this.result);
  }

  /** `+ a -> b TCP/5432` and `- ...` lines with the rules that open each addition: deterministic, for snapshots. */
  public toString(): string {
    return diffText(this.result);
  }
}

function change(e: DiffEntry): ConnectionChange {
  return {
    source: e.from,
    destination: e.to,
    protocol: e.protocol as Protocol,
    ranges: rangesOf(e.ports),
    openedBy: (e.openedBy ?? []).map(openedByText),
    text: `${e.from} -> ${e.to}: ${entryPortsText(e)}`,
  };
}
