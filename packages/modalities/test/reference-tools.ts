/**
 * The reference tools the cross-checks run (Debian packages that `npm test` installs first, see
 * scripts/ensure-test-packages.mjs). A missing tool fails the test that needs it with one line
 * naming the package: in CI nothing may skip.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const PYTHON = '/usr/bin/python3';

function pythonImports(module: string): boolean {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
}

const tools = {
  mne: { pkg: 'python3-mne', present: () => pythonImports('mne') },
  nibabel: { pkg: 'python3-nibabel', present: () => pythonImports('nibabel') },
  edflib: { pkg: 'libedf-dev', present: () => existsSync('/usr/include/edflib.h') && spawnSync('gcc', ['--version'], { stdio: 'ignore' }).status === 0 },
} as const;

/** Throws when the tool is missing; call it at the start of a test that runs the tool. */
export function requireTool(name: keyof typeof tools): void {
  const tool = tools[name];
  if (!tool.present()) throw new Error(`${name} is not installed: apt-get install ${tool.pkg} (npm test does this when run as root)`);
}
