#!/usr/bin/env node
// CI check of the quick start: waits for the server `npm start` launched, then explains a demo
// input through the HTTP API and fetches its artefacts. Exits 0 when all of that works.
const base = `http://127.0.0.1:${process.env.XAI_PORT ?? 3000}/api/v1`;
const deadline = Date.now() + Number(process.env.XAI_SMOKE_WAIT_S ?? 900) * 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fail = (message) => {
  console.error(`smoke: ${message}`);
  process.exit(1);
};
async function json(path, init) {
  const res = await fetch(`${base}/${path}`, init);
  const body = await res.json();
  if (!res.ok) fail(`${init?.method ?? 'GET'} ${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

for (;;) {
  try {
    const res = await fetch(`${base}/health`);
    if (res.ok) break;
  } catch {
    // not listening yet (still installing or building)
  }
  if (Date.now() > deadline) fail('the server did not answer /health in time');
  await sleep(2000);
}
const { modalities } = await json('modalities');
console.log(`smoke: server up; modalities: ${modalities.map((m) => `${m.name} (${m.demos.models.length} demo models, ${m.demos.inputs.length} demo inputs)`).join(', ')}`);
const job = await json('explanations', {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ model: 'demo-image-shapes-cnn', input: 'demo-image-input-shape-cross', method: 'lrp', options: { composite: 'epsilon_gamma_box' } }),
});
let state = job;
while (!['succeeded', 'failed', 'cancelled'].includes(state.state)) {
  if (Date.now() > deadline) fail(`job ${job.id} did not finish`);
  await sleep(500);
  state = await json(`jobs/${job.id}`);
}
if (state.state !== 'succeeded') fail(`job ${job.id} ${state.state}: ${JSON.stringify(state.error)}`);
const result = await json(`jobs/${job.id}/result`);
const heat = await fetch(`${base}/jobs/${job.id}/artefacts/heatmap.png`);
const bytes = new Uint8Array(await heat.arrayBuffer());
if (!heat.ok || bytes[1] !== 0x50 || bytes[2] !== 0x4e || bytes[3] !== 0x47) fail('heatmap.png is not a PNG');
console.log(`smoke: demo cross explained by ${result.method}: target ${result.target}${result.targetName ? ` (${result.targetName})` : ''}, heatmap ${bytes.length} bytes`);
