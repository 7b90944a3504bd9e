import { Command } from '../io';
import { checkCommand } from './check';
import { connectionsCommand } from './connections';
import { diffCommand } from './diff';
import { explainCommand } from './explain';
import { generateCommand } from './generate';
import { lintCommand } from './lint';
import { reachCommand } from './reach';
import { replayCommand } from './replay';

/** Every command. Adding one (e.g. `lint`) is a new file in this folder and a line here. */
export const COMMANDS: readonly Command[] = [
  reachCommand,
  explainCommand,
  lintCommand,
  connectionsCommand,
  diffCommand,
  checkCommand,
  replayCommand,
  generateCommand,
];
