/**
 * Writes the generated ResNet-18 (test/onnx/resnet18-onnx.ts) to a file, for comparing it with a
 * real torch.onnx.export by hand (scripts/compare-resnet18-onnx.py). Never commit the output.
 * Usage: npx tsx scripts/write-resnet18-onnx.ts out.onnx [--opset 17] [--batch-norm fresh|random] [--seed 18]
 */
import { writeFileSync } from 'node:fs';
import { resnet18Onnx } from '../test/onnx/resnet18-onnx.js';

const [out, ...rest] = process.argv.slice(2);
if (!out) throw new Error('usage: write-resnet18-onnx.ts out.onnx [--opset N] [--batch-norm fresh|random] [--seed N]');
const flag = (name: string) => {
  const i = rest.indexOf(`--${name}`);
  return i >= 0 ? rest[i + 1] : undefined;
};
const batchNorm = flag('batch-norm') ?? 'fresh';
if (batchNorm !== 'fresh' && batchNorm !== 'random') throw new Error(`--batch-norm ${batchNorm}: expected fresh or random`);
const bytes = resnet18Onnx({ opset: Number(flag('opset') ?? 17), seed: Number(flag('seed') ?? 18), batchNorm });
writeFileSync(out, bytes);
console.log(`${out}: ${(bytes.length / 1e6).toFixed(1)} MB`);
