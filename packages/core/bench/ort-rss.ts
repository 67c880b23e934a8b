/**
 * Peak RSS of one ORT explanation, in a process that does nothing else: the bench model is built
 * (its tfjs weights are in the figure, as in any process that explains a tfjs model), then
 * epsilon_gamma_box LRP runs twice on the 'ort' executor (build + run, then a cached run).
 * Prints one line `ORT_RSS {...}` (MiB) for bench/ort.ts:
 *   npx tsx bench/ort-rss.ts --only vgg16|resnet18 [--size S] [--batch B]
 */
import { initBackend, lrpOn } from '../src/index.js';
import { ortBenchModel } from './ort-bench-model.js';
import { numberArg } from './timing.js';

const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
const size = numberArg('size', 224);
const batch = numberArg('batch', 1);
const which = process.argv[process.argv.indexOf('--only') + 1];
await initBackend();
const { model, input, bounds } = await ortBenchModel(which!, size, batch);
const before = { rss: mib(process.memoryUsage().rss), peak: mib(process.resourceUsage().maxRSS * 1024) };
for (let i = 0; i < 2; i++) {
  const e = await lrpOn(model, input, { composite: 'epsilon_gamma_box', ...bounds, target: 0, executor: 'ort' });
  if (e.execution?.executor !== 'ort') throw new Error(`ORT did not run: ${e.execution?.fallback}`);
  e.dispose();
}
console.log(`ORT_RSS ${JSON.stringify({ modelRss: before.rss, peakBefore: before.peak, peak: mib(process.resourceUsage().maxRSS * 1024), after: mib(process.memoryUsage().rss) })}`);
