export * from './api';
export * from './connection-diff';
