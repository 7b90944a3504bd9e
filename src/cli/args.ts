/**
 * A tiny argument parser: `--flag value`, `--flag=value`, boolean flags, positionals, and `--` to end flags.
 * Hand-rolled on purpose: the CLI has no dependencies beyond the library.
 */
import { UsageError } from './io';
import { Port, Protocol } from '../model/port';
import { escapeControls, truncate } from '../private/text';

export interface FlagSpec {
  /** Takes a value (`--port 80`) rather than being a switch (`--help`). */
  readonly value: boolean;
  readonly alias?: string;
  /** May be given several times (`--ignore a --ignore b`); the values are collected in order. */
  readonly repeatable?: boolean;
}

export interface ParsedArgs {
  readonly positionals: string[];
  readonly values: Map<string, string>;
  readonly switches: Set<string>;
  /** The values of repeatable flags, in order. */
  readonly lists: Map<string, string[]>;
}

export function parseArgs(args: readonly string[], flags: { [name: string]: FlagSpec }): ParsedArgs {
  const positionals: string[] = [];
  const values = new Map<string, string>();
  const switches = new Set<string>();
  const lists = new Map<string, string[]>();
  const byAlias = new Map(Object.entries(flags).filter(([, s]) => s.alias).map(([n, s]) => [s.alias!, n]));
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const raw = eq >= 0 ? arg.slice(0, eq) : arg;
    const name = raw.startsWith('--') ? raw.slice(2) : byAlias.get(raw.slice(1));
    const spec = name !== undefined && Object.prototype.hasOwnProperty.call(flags, name) ? flags[name] : undefined;
    if (name === undefined || spec === undefined) throw new UsageError(`unknown option ${raw}`);
    if (!spec.value) {
      if (eq >= 0) throw new UsageError(`option --${name} takes no value`);
      switches.add(name);
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (i + 1 < args.length) value = args[++i];
    if (value === undefined || value === '') throw new UsageError(`option --${name} needs a value`);
    if (spec.repeatable) {
      lists.set(name, [...(lists.get(name) ?? []), value]);
      continue;
    }
    if (values.has(name)) throw new UsageError(`option --${name} is given twice`);
    values.set(name, value);
  }
  return { positionals, values, switches, lists };
}

/** `--port 80` or `--port http`, with `--protocol` (default TCP). */
export function portFromArgs(port: string | undefined, protocol: string | undefined): Port {
  if (port === undefined) throw new UsageError('--port is required (a number such as 8080, or a container port name such as http)');
  const proto = (protocol ?? 'TCP').toUpperCase();
  if (!(Object.values(Protocol) as string[]).includes(proto)) {
    throw new UsageError(`--protocol ${truncate(escapeControls(protocol ?? ''))} is not supported: use TCP, UDP or SCTP`);
  }
  const p = /^[0-9]+$/.test(port)
    ? Port.of({ protocol: proto as Protocol, port: Number(port) })
    : Port.named(port, proto as Protocol);
  const problems = p._problems();
  if (problems.length > 0) throw new UsageError(`--port ${truncate(escapeControls(port))}: ${problems.join('; ')}`);
  return p;
}
