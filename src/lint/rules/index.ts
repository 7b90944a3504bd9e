import { NP001 } from './np001-default-deny-ingress';
import { NP002 } from './np002-default-deny-egress';
import { NP003 } from './np003-egress-without-dns';
import { NP004 } from './np004-policy-selects-nothing';
import { NP005 } from './np005-peer-matches-nothing';
import { NP006 } from './np006-split-peer';
import { NP007 } from './np007-merged-peer';
import { NP008 } from './np008-allow-all-rule';
import { NP009 } from './np009-all-namespaces-peer';
import { NP010 } from './np010-whole-ip-range';
import { NP011 } from './np011-dns-to-any-destination';
import { NP012 } from './np012-ipblock-covers-cluster';
import { NP013 } from './np013-unknown-named-port';
import { NP014 } from './np014-half-open-flow';
import { NP015 } from './np015-redundant-policy';
import { NP017 } from './np017-port-not-served';
import { NP018 } from './np018-service-unreachable';
import { NP019 } from './np019-obsolete-isolation-annotation';
import { NP020 } from './np020-host-network-pod';
import { NP021 } from './np021-whole-namespace-selector';
import { LintRule } from '../model';

/** Every rule, in id order. Ids are stable: a retired rule's id is never reused. */
export const RULES: readonly LintRule[] = [
  NP001, NP002, NP003, NP004, NP005, NP006, NP007, NP008, NP009, NP010, NP011, NP012, NP013, NP014, NP015,
  NP017, NP018, NP019, NP020, NP021,
];
