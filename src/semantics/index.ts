// Only the facade is public; parsing, evaluation and grouping stay private to this folder.
export * from './reachability';
