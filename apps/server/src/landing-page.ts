import { API } from './views.js';

const ROUTES: [string, string, string][] = [
  ['GET', 'health', 'liveness and job counts'],
  ['GET', 'methods', 'explanation methods with option schemas, composites'],
  ['GET', 'metrics', 'evaluation metrics'],
  ['GET', 'modalities', 'modalities, their options and demos'],
  ['GET', 'datasets', 'generated data sets for benchmarks'],
  ['POST', 'models', 'upload model.json + shards, a .onnx (+ external data) or a .zip (multipart)'],
  ['GET', 'models, models/:id', 'models; one with its layer table (?composite=)'],
  ['DELETE', 'models/:id', 'delete an uploaded model'],
  ['POST', 'inputs', 'upload an input (multipart), decoded by its modality'],
  ['GET', 'inputs, inputs/:id, inputs/:id/preview', 'inputs, metadata, preview PNG'],
  ['DELETE', 'inputs/:id', 'delete an uploaded input'],
  ['POST', 'explanations', '{ model, input | text, method, options, target } → job'],
  ['POST', 'benchmarks', '{ model, inputs | dataset, methods, metrics } → job'],
  ['GET', 'jobs, jobs/:id, jobs/:id/events', 'jobs, state, Server-Sent Events'],
  ['DELETE', 'jobs/:id', 'cancel a job'],
  ['GET', 'jobs/:id/result, jobs/:id/relevance, jobs/:id/artefacts/:name', 'results'],
];

/** The page at `/` when no dashboard is built: what the API offers. */
export function landingPage(): string {
  const rows = ROUTES.map(([m, p, d]) => `<tr><td>${m}</td><td><code>${p.split(', ').map((x) => `${API}/${x}`).join('<br>')}</code></td><td>${d}</td></tr>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>xai server</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}td{padding:.3rem .8rem;vertical-align:top;border-bottom:1px solid #ddd}code{font-size:13px}</style>
</head><body>
<h1>xai server</h1>
<p>The dashboard is not built (<code>apps/dashboard/dist</code>). The HTTP API is at <code>${API}</code>;
its OpenAPI description and a console are at <a href="${API}/docs">${API}/docs</a>.</p>
<table>${rows}</table>
</body></html>`;
}
