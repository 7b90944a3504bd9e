// The public synth-time surface of the linter; rules, pack and formats stay private (the CLI imports them directly).
export * from './severity';
export * from './api';
export * from './cdk8s-plugin';
