import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import BenchmarkTable from '../src/components/BenchmarkTable.svelte';
import ErrorBox from '../src/components/ErrorBox.svelte';
import ModelFacts from '../src/components/ModelFacts.svelte';
import SchemaForm from '../src/components/SchemaForm.svelte';
import { ApiError, getJson } from '../src/lib/api';
import type { JsonSchema, Model } from '../src/lib/types';

const schema: JsonSchema = {
  type: 'object',
  properties: {
    composite: { type: 'string', enum: ['epsilon_plus', 'epsilon_gamma_box'], default: 'epsilon_plus', description: 'rule map' },
    steps: { type: 'integer', minimum: 1, default: 20 },
    noiseLevel: { type: 'number', minimum: 0 },
    flag: { type: 'boolean' },
    baseline: { anyOf: [{ type: 'number' }, { type: 'string', enum: ['blur'] }], default: 0 },
  },
};

describe('SchemaForm', () => {
  it('renders one control per option and reports only what the user set', async () => {
    render(SchemaForm, { props: { schema, value: {} } });
    const composite = screen.getByLabelText('composite') as HTMLSelectElement;
    expect([...composite.options].map((o) => o.value)).toEqual(['', 'epsilon_plus', 'epsilon_gamma_box']);
    expect((screen.getByLabelText('steps') as HTMLInputElement).type).toBe('number');
    expect((screen.getByLabelText('flag') as HTMLSelectElement).tagName).toBe('SELECT');
    expect(screen.getByText('rule map')).toBeTruthy();

    await fireEvent.change(composite, { target: { value: 'epsilon_gamma_box' } });
    await fireEvent.change(screen.getByLabelText('steps'), { target: { value: '7' } });
    await fireEvent.change(screen.getByLabelText('baseline'), { target: { value: 'blur' } });
    await fireEvent.change(screen.getByLabelText('flag'), { target: { value: 'true' } });
    await fireEvent.change(screen.getByLabelText('noiseLevel'), { target: { value: '0.25' } });
    // read back the bound value through a fresh render's DOM: the controls keep the values
    expect((screen.getByLabelText('steps') as HTMLInputElement).value).toBe('7');
  });

  it('binds a value object with typed values and drops cleared fields', async () => {
    const { default: Harness } = await import('./SchemaFormHarness.svelte');
    render(Harness, { props: { schema } });
    await fireEvent.change(screen.getByLabelText('steps'), { target: { value: '7' } });
    await fireEvent.change(screen.getByLabelText('baseline'), { target: { value: '0.5' } });
    await fireEvent.change(screen.getByLabelText('flag'), { target: { value: 'false' } });
    await fireEvent.change(screen.getByLabelText('composite'), { target: { value: 'epsilon_gamma_box' } });
    expect(JSON.parse(screen.getByTestId('value').textContent!)).toEqual({ steps: 7, baseline: 0.5, flag: false, composite: 'epsilon_gamma_box' });
    await fireEvent.change(screen.getByLabelText('baseline'), { target: { value: 'blur' } });
    await fireEvent.change(screen.getByLabelText('steps'), { target: { value: '' } });
    expect(JSON.parse(screen.getByTestId('value').textContent!)).toEqual({ baseline: 'blur', flag: false, composite: 'epsilon_gamma_box' });
  });

  it('says when a method has no options', () => {
    render(SchemaForm, { props: { schema: { type: 'object', properties: {} } } });
    expect(screen.getByText('This method has no options.')).toBeTruthy();
  });
});

describe('API errors', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('turns the server body { error, message } into a sentence shown in place', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ error: 'BadRequest', message: "unknown method 'lpr'" }), { status: 400, headers: { 'content-type': 'application/json' } })));
    const err = await getJson('/methods').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    render(ErrorBox, { props: { error: err } });
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('The server did not accept these settings.');
    expect(alert.textContent).toContain("Unknown method 'lpr'.");
  });

  it('explains a missing token and an unreachable server', async () => {
    const { unmount } = render(ErrorBox, { props: { error: new ApiError(401, 'Unauthorized', 'missing bearer token') } });
    expect(screen.getByRole('alert').textContent).toMatch(/needs an access token/);
    unmount();
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('fetch failed'))));
    const err = await getJson('/models').catch((e: unknown) => e);
    render(ErrorBox, { props: { error: err } });
    expect(screen.getByRole('alert').textContent).toMatch(/could not be reached/);
  });

  it('shows nothing without an error', () => {
    render(ErrorBox, { props: { error: null } });
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('BenchmarkTable', () => {
  const row = (method: string, metric: string, direction: 'higher' | 'lower', mean: number) => ({ method, metric, direction, mean, stderr: 0.01, n: 4 });
  it('marks the best method per column by the metric direction', () => {
    render(BenchmarkTable, {
      props: {
        methods: ['lrp', 'gradient', 'occlusion'],
        metrics: [
          { label: 'sparseness', direction: 'higher' },
          { label: 'complexity', direction: 'lower' },
        ],
        rows: [
          row('lrp', 'sparseness', 'higher', 0.87),
          row('gradient', 'sparseness', 'higher', 0.55),
          row('occlusion', 'sparseness', 'higher', 0.6),
          row('lrp', 'complexity', 'lower', 3.1),
          row('gradient', 'complexity', 'lower', 2.2),
          row('occlusion', 'complexity', 'lower', 2.9),
        ],
      },
    });
    const best = [...document.querySelectorAll('td[data-best="true"]')];
    expect(best).toHaveLength(2);
    const rowOf = (td: Element) => td.closest('tr')!.querySelector('th')!.textContent;
    expect(best.map(rowOf).sort()).toEqual(['gradient', 'lrp']);
    expect(best[0]!.textContent).toContain('0.870');
    expect(screen.getAllByLabelText('higher is better')).toHaveLength(1);
    expect(screen.getAllByLabelText('lower is better')).toHaveLength(1);
  });
});

describe('ModelFacts', () => {
  const base: Model = { id: 'mdl_1', name: 'eegnet', source: 'upload', readonly: false, modality: 'eeg', description: '', inputShapes: [[null, 1, 8, 64]], outputShapes: [[null, 2]], parameters: 1234, classNames: null };

  it('names an ONNX model\'s producer and opset, lists each input with shape and spelled-out layout, and its metadata_props', () => {
    render(ModelFacts, {
      props: {
        model: {
          ...base,
          format: 'onnx',
          producer: 'pytorch 1.13.0',
          opset: 13,
          metadata: { 'xai.sfreq': '128' },
          signature: [{ name: 'input', shape: [null, 1, 8, null], dtype: 'float32', layout: 'NCHW' }],
        },
      },
    });
    expect(screen.getByTestId('model-facts').textContent).toMatch(/ONNX, from pytorch 1\.13\.0, opset 13.*1,234/s);
    const row = [...document.querySelectorAll('table.inputs tbody td')].map((td) => td.textContent);
    expect(row).toEqual(['input', '[N, 1, 8, any]', 'NCHW', 'float32']);
    expect(document.querySelector('table.inputs abbr')!.getAttribute('title')).toBe('batch, channels, height, width');
    expect(document.querySelector('details.metadata')!.textContent).toMatch(/xai\.sfreq\s*128/);
  });

  it('shows a tfjs model (or one stored before signatures) without ONNX facts', () => {
    render(ModelFacts, { props: { model: base } });
    expect(screen.getByTestId('model-facts').textContent).toMatch(/TensorFlow\.js/);
    expect(screen.getByTestId('model-facts').textContent).not.toMatch(/opset/);
    expect(document.querySelector('table.inputs')).toBeNull();
    expect(document.querySelector('details.metadata')).toBeNull();
  });
});
