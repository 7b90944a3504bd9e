/** Conversions from the algebra's values to the public structs. */
import { AllowedPorts, PortRange } from './api';
import { Protocol } from '../model/port';
import * as ps from '../model/port-set';

export function allowedPortsOf(set: ps.PortSet): AllowedPorts[] {
  return [...set.byProtocol].map(([protocol, ranges]) => ({ protocol: protocol as Protocol, ranges: rangesOf(ranges) }));
}

export function rangesOf(ranges: readonly ps.Range[]): PortRange[] {
  return ranges.map(([first, last]) => ({ first, last }));
}
