// The engine's public face: Reachability, ConnectionDiff and their result types. Parsing, evaluation, grouping and
// the connection analysis stay private to semantics/ and analysis/, below this folder.
export * from './api';
export * from './connection-diff';
export * from './reachability';
export * from '../replay/api';
