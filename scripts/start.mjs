#!/usr/bin/env node
// `npm start`: install what is missing, build every package, then run the main job on embedded
// defaults (until the server exists: explain the shipped demo model and write results to ./out).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args, what) => {
  console.log(`xai: ${what} …`);
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`xai: ${what} failed`);
    process.exit(result.status ?? 1);
  }
};

run(process.execPath, [join(root, 'scripts', 'ensure-installed.mjs')], 'checking dependencies');
run(join(root, 'node_modules', '.bin', 'nx'), ['run-many', '-t', 'build', '--outputStyle=static'], 'building');
run(process.execPath, [join(root, 'apps', 'cli', 'dist', 'xai.js'), 'demo', '--out', join(root, 'out'), ...process.argv.slice(2)], 'explaining the demo model');
