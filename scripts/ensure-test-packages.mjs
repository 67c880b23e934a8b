#!/usr/bin/env node
// Makes sure the Debian packages the test suite drives are on the machine before `npm test` runs:
// the tests start real programs (Chromium, ffmpeg, redis-server) and cross-check our readers and
// writers against the reference tools (MNE-Python, nibabel, EDFlib), so none of them may skip.
// As root with apt-get, missing packages are installed (`apt-get update` first); otherwise the
// script stops with one line naming what to install. Uses only Node's standard library.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PYTHON = '/usr/bin/python3';

/** What each package provides, checked the way the tests use it. */
const requirements = [
  { pkg: 'chromium', present: () => existsSync('/usr/bin/chromium') },
  { pkg: 'ffmpeg', present: () => onPath('ffmpeg') && onPath('ffprobe') },
  { pkg: 'redis-server', present: () => onPath('redis-server') },
  { pkg: 'python3-mne', present: () => pythonImports('mne') },
  { pkg: 'python3-nibabel', present: () => pythonImports('nibabel') },
  { pkg: 'libedf-dev', present: () => existsSync('/usr/include/edflib.h') },
];

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function pythonImports(module) {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
}

function run(command, args) {
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return result.status === 0;
}

const missing = requirements.filter((r) => !r.present()).map((r) => r.pkg);
if (missing.length > 0) {
  const canInstall = process.getuid?.() === 0 && onPath('apt-get');
  if (!canInstall) {
    console.error(`xai: the tests need Debian packages that are missing; install them with: sudo apt-get install -y ${missing.join(' ')}`);
    process.exit(1);
  }
  console.log(`xai: installing the Debian packages the tests need: ${missing.join(' ')} (apt-get) …`);
  if (!run('apt-get', ['update', '-qq']) || !run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing])) {
    console.error(`xai: apt-get could not install ${missing.join(' ')}; install them by hand and run npm test again`);
    process.exit(1);
  }
  const still = requirements.filter((r) => !r.present()).map((r) => r.pkg);
  if (still.length > 0) {
    console.error(`xai: installed, yet still not usable: ${still.join(' ')}; check the apt-get messages above`);
    process.exit(1);
  }
}
