#!/usr/bin/env node
// Installs the workspace's npm dependencies when they are missing (fresh clone), so that
// `npm start` and `npm test` work as the first command. Uses only Node's standard library.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const marker = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');

function upToDate() {
  if (!existsSync(marker)) return false;
  // npm rewrites node_modules/.package-lock.json on every install: older than the lockfile = stale.
  return statSync(marker).mtimeMs >= statSync(lock).mtimeMs;
}

if (!upToDate()) {
  console.log('xai: installing npm dependencies (npm ci) …');
  // onnxruntime-node's postinstall would fetch GPU providers from an unreachable host (see .npmrc).
  const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: process.env.ONNXRUNTIME_NODE_INSTALL ?? 'skip' };
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) {
    console.error('xai: npm ci failed; see the messages above');
    process.exit(result.status ?? 1);
  }
}
// Sanity check: the packages every command needs.
for (const pkg of ['nx', 'typescript', '@tensorflow/tfjs']) {
  if (!existsSync(join(root, 'node_modules', pkg, 'package.json'))) {
    console.error(`xai: ${pkg} is missing from node_modules after install`);
    process.exit(1);
  }
}
