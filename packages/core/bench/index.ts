/**
 * `npm run bench`: explanation time on two 224×224 image models in one run — a VGG-16-shaped tfjs
 * model (bench/vgg16.ts) and a torchvision ResNet-18 loaded from ONNX (bench/resnet18-onnx.ts) —
 * forward pass vs epsilon_gamma_box LRP, medians of N rounds after a warm-up, then a summary.
 * Options: --runs N (default 5), --size S (VGG-16 input side, default 224), --batch B (default 1),
 * --only vgg16|resnet18|transformer|throughput (transformer: a 512-token encoder from ONNX, bench/transformer-512.ts;
 * throughput: LRP explanations per second at batch 16, tfjs vs ORT, on the demo CNN and ResNet-18, bench/throughput.ts).
 * VGG-16 and ResNet-18 also run on the 'ort' executor (bench/ort.ts) first: forward and LRP medians,
 * first-call times with the graph's build (save + session) apart, and the peak RSS of one ORT
 * explanation in a child process doing only that (bench/ort-rss.ts). bench/ort-profile.ts shows
 * where an ORT explanation's time goes (ORT's profiler, per operator type).
 */
import { loadavg } from 'node:os';
import { initBackend } from '../src/index.js';
import { benchResnet18Onnx } from './resnet18-onnx.js';
import { benchThroughput, throughputSummary } from './throughput.js';
import { numberArg, type BenchSummary } from './timing.js';
import { benchTransformer512 } from './transformer-512.js';
import { benchVgg16 } from './vgg16.js';

const runs = numberArg('runs', 5);
const size = numberArg('size', 224);
const batch = numberArg('batch', 1);
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
if (only !== undefined && !['vgg16', 'resnet18', 'transformer', 'throughput'].includes(only)) throw new Error(`--only ${only}: expected vgg16, resnet18, transformer or throughput`);

const backend = await initBackend();
console.log(`backend ${backend}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const results: BenchSummary[] = [];
if (only === undefined || only === 'vgg16') results.push(await benchVgg16(runs, size, batch));
if (only === undefined || only === 'resnet18') results.push(await benchResnet18Onnx(runs, batch));
const transformer = only === undefined || only === 'transformer' ? await benchTransformer512(runs) : null;
const throughput = only === undefined || only === 'throughput' ? await benchThroughput(runs, 16) : [];

console.log('\nsummary (medians; ratios are medians of per-round ratios to the forward pass named):');
for (const r of results) {
  console.log(
    `  ${r.model.padEnd(18)} ${r.forwardLabel} ${r.forward.toFixed(3)} s · epsilon_gamma_box LRP ${r.lrpWorker.toFixed(3)} s with the worker (${r.ratioWorker.toFixed(2)}×), ` +
      `${r.lrpSingle.toFixed(3)} s on one thread (${r.ratioSingle.toFixed(2)}×)`,
  );
  if (r.ort) {
    console.log(
      `  ${''.padEnd(18)} ORT (${r.ort.provider}) forward ${r.ort.forward.toFixed(3)} s · epsilon_gamma_box LRP ${r.ort.lrp.toFixed(3)} s (${(r.ort.lrp / r.ort.forward).toFixed(2)}× ORT forward; ` +
        `${(r.ort.lrp / r.lrpWorker).toFixed(2)}× the tfjs executor's LRP with the worker) · first calls ${r.ort.forwardFirst.toFixed(2)} s / ${r.ort.lrpFirst.toFixed(2)} s ` +
        `(LRP graph saved and loaded in ${r.ort.lrpBuild.toFixed(2)} s) · peak RSS of the ORT explanation alone ${r.ort.peakRssMiB.toFixed(0)} MiB (${r.ort.modelRssMiB.toFixed(0)} MiB of it before: node, tfjs, the model's weights)`,
    );
    if (r.model.startsWith('VGG-16')) {
      const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
      console.log(
        `  ${''.padEnd(18)} issue 20 targets: ORT LRP ≤ 3× ORT forward ${met(r.ort.lrp / r.ort.forward <= 3)}, ≤ 0.35× tfjs LRP ${met(r.ort.lrp / r.lrpWorker <= 0.35)}, ` +
          `peak RSS ≤ 1.5 GB ${met(r.ort.peakRssMiB * 2 ** 20 <= 1.5e9)}`,
      );
    }
  }
}
if (transformer) {
  console.log(`  ${'encoder, 512 tok.'.padEnd(18)} engine forward ${transformer.forward.toFixed(3)} s · transformer LRP ${transformer.lrp.toFixed(3)} s (${(transformer.lrp / transformer.forward).toFixed(2)}×) · attention rollout ${transformer.rollout.toFixed(3)} s`);
}
for (const line of throughputSummary(throughput)) console.log(line);
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
