/**
 * One measured synthesis, run in a fresh process by bench/run.ts so cases do not share heap, JIT or caches:
 *
 *   TS_NODE_PROJECT=test/tsconfig.json node -r ts-node/register/transpile-only bench/synth/case.ts <variant> <N> [layout]
 *
 * Every variant loads the same modules (platform.ts imports ours, cdk8s-plus-28 and its L1 classes) before the clock
 * starts; the clock covers building the App and `app.synthYaml()`. Prints one JSON line; the peak RSS of the
 * process comes from the bench/lib/peak-rss.ts preload.
 */
import { performance } from 'perf_hooks';
import { App } from 'cdk8s';
import { build, Layout, LAYOUTS, NODE_VARIANTS, Variant, VARIANTS } from './platform';

const [variant, nText, layoutText] = process.argv.slice(2);
const namespaces = Number(nText);
const layout = (layoutText ?? 'chart-per-namespace') as Layout;
if (![...VARIANTS, ...NODE_VARIANTS].includes(variant as Variant) || !(namespaces >= 0) || !LAYOUTS.includes(layout)) {
  throw new Error(`usage: case.ts <${VARIANTS.join('|')}> <namespaces> [${LAYOUTS.join('|')}]`);
}

const t0 = performance.now();
const app = new App();
build(variant as Variant, app, namespaces, layout);
const t1 = performance.now();
const yaml = app.synthYaml();
const t2 = performance.now();

const result = {
  variant,
  namespaces,
  layout,
  buildMs: t1 - t0,
  synthMs: t2 - t1,
  totalMs: t2 - t0,
  yamlBytes: Buffer.byteLength(yaml),
  documents: yaml.split(/^---$/m).filter((d) => d.trim()).length,
  heapUsedMB: process.memoryUsage().heapUsed / 1024 / 1024,
};
process.stdout.write(JSON.stringify(result) + '\n');
