/** Writes the scale clusters: `ts-node bench/scale/write.ts TEAMS OUT_BASE OUT_CHANGED`. */
import * as fs from 'fs';
import { scaleClusterYaml } from './cluster';

const [teams, base, changed] = process.argv.slice(2);
fs.writeFileSync(base, scaleClusterYaml(Number(teams)));
if (changed) fs.writeFileSync(changed, scaleClusterYaml(Number(teams), true));
