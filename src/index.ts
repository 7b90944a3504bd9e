export * from './model/port';
export * from './model/selection';
export * from './model/dns';
export * from './constructs/zero-trust-namespace';
export * from './constructs/tier-access';
export * from './constructs/egress-allow-list';
export * from './semantics';
export * from './lint';
