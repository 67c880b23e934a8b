/**
 * Where an ORT explanation's time goes: plan, encode and session creation timed apart, then N runs
 * with ORT's profiler on, summed per operator type (and the slowest nodes).
 *   npx tsx bench/ort-profile.ts [--only vgg16|resnet18] [--runs N] [--size S]
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compositeByName, explainedTensor, initBackend, ruleMap } from '../src/index.js';
import { planExplanation } from '../src/executors/ort/compile-explanation.js';
import { loadOrt } from '../src/executors/ort/load-ort.js';
import { sessionOptions } from '../src/executors/ort/session-cache.js';
import { ownMemoryView } from '../src/executors/ort/tensor-values.js';
import { ortBenchModel } from './ort-bench-model.js';
import { numberArg } from './timing.js';

const runs = numberArg('runs', 3);
const size = numberArg('size', 224);
const onlyAt = process.argv.indexOf('--only');
const which = onlyAt >= 0 ? process.argv[onlyAt + 1]! : 'vgg16';
await initBackend();

const { model, input, bounds } = await ortBenchModel(which, size, 1);
const rules = ruleMap(model.graph, compositeByName('epsilon_gamma_box', bounds));
const ms = (t0: number) => `${(performance.now() - t0).toFixed(0)} ms`;
let t0 = performance.now();
const plan = planExplanation({ graph: model.graph, inputShapes: [input.shape], from: explainedTensor(model.graph, 0), ruleFor: (n) => rules.get(n)!, seed: 'logit' });
console.log(`plan ${ms(t0)}`);
t0 = performance.now();
const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'xai-ort-profile-'));
const { path, shared } = plan.save(dir, { shareKernels: true });
console.log(`save ${ms(t0)} (${(statSync(join(dir, 'weights.bin')).size / 1e6).toFixed(0)} MB of kernels)`);
const ort = await loadOrt();
const prefix = join(tmpdir(), `ort-profile-${process.pid}`);
t0 = performance.now();
const session = await ort.InferenceSession.create(path, { ...sessionOptions(), executionProviders: ['cpu'], enableProfiling: true, profileFilePrefix: prefix });
rmSync(dir, { recursive: true, force: true });
console.log(`session create ${ms(t0)}`);
const feeds = {
  [plan.inputNames[0]!]: new ort.Tensor('float32', Float32Array.from(input.dataSync()), [...input.shape]),
  targets: new ort.Tensor('int64', BigInt64Array.of(0n), [1]),
  // Kernels read in place from tfjs memory, as the executor feeds them (session-cache.ts).
  ...Object.fromEntries(shared.map((k) => [k.name, new ort.Tensor('float32', ownMemoryView(k.source)!, [...k.dims])])),
};
for (let r = 0; r < runs; r++) {
  t0 = performance.now();
  await session.run(feeds);
  console.log(`run ${r + 1}: ${ms(t0)}`);
}
session.endProfiling();
// The binding does not return the file's name: it is the prefix plus a time stamp.
const file = readdirSync(tmpdir()).filter((f) => f.startsWith(`ort-profile-${process.pid}_`)).map((f) => join(tmpdir(), f))[0]!;
const events = JSON.parse(readFileSync(file, 'utf8')) as { cat: string; name: string; ts: number; dur: number; args?: { op_name?: string; input_type_shape?: Record<string, number[]>[] } }[];
rmSync(file, { force: true });
const perOp = new Map<string, number>();
const perNode: [string, number][] = [];
// The first run (pages of kernels and activations touched for the first time) is left out of the sums.
const warmUpEnd = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').map((e) => e.ts + e.dur).sort((a, b) => a - b)[0] ?? -Infinity;
const counted = Math.max(1, runs - 1);
for (const e of events) {
  if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || (runs > 1 && e.ts < warmUpEnd)) continue;
  const op = e.args?.op_name ?? '?';
  perOp.set(op, (perOp.get(op) ?? 0) + e.dur / 1000 / counted);
  const shapes = (e.args?.input_type_shape ?? []).map((t) => `[${Object.values(t)[0]}]`).join(' ');
  perNode.push([`${op} ${e.name.replace(/_kernel_time$/, '')} ${shapes}`, e.dur / 1000]);
}
const total = [...perOp.values()].reduce((a, b) => a + b, 0);
console.log(`\nper run after the first, by operator type (sum ${total.toFixed(0)} ms):`);
for (const [op, t] of [...perOp].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${op.padEnd(24)} ${t.toFixed(1).padStart(8)} ms  ${((100 * t) / total).toFixed(1)}%`);
console.log('\nslowest nodes (one run):');
for (const [n, t] of perNode.sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${n.padEnd(90)} ${t.toFixed(1)} ms`);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (tfjs model weights included)`);
