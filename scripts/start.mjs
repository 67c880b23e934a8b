#!/usr/bin/env node
// `npm start`: install what is missing, build every package (and the dashboard when it exists),
// then run the main job on embedded defaults: the xai server on http://127.0.0.1:3000 (XAI_PORT,
// XAI_HOST) with the demo models and inputs of every modality loaded, data in ./data (XAI_DATA_DIR).
import { spawn, spawnSync } from 'node:child_process';
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
console.log('xai: starting the server (Ctrl-C stops it) …');
const server = spawn(process.execPath, [join(root, 'apps', 'server', 'dist', 'main.js'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
