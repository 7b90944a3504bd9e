import { main } from '../src/cli/main';
process.exitCode = main(process.argv);
