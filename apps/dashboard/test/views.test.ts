/** Component tests of the result views (happy-dom, fixture data in place of the server). */
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import AudioResult from '../src/components/AudioResult.svelte';
import BenchmarkCurves from '../src/components/BenchmarkCurves.svelte';
import ChannelRanking from '../src/components/ChannelRanking.svelte';
import EegResult from '../src/components/EegResult.svelte';
import FmriResult from '../src/components/FmriResult.svelte';
import ImageResult from '../src/components/ImageResult.svelte';
import JobStatus from '../src/components/JobStatus.svelte';
import VideoResult from '../src/components/VideoResult.svelte';
import VqaResult from '../src/components/VqaResult.svelte';
import ResultView from '../src/components/ResultView.svelte';
import type { Job } from '../src/lib/types';
import { answerFile, audioView, eegView, fetchServing, fmriView, resultOf, temporalFile, vqaRelevance } from './fixtures/views';

afterEach(() => vi.unstubAllGlobals());

const texts = (selector: string) => [...document.querySelectorAll(selector)].map((e) => e.textContent?.trim());

describe('ResultView', () => {
  it('dispatches by modality and shows the PNG figures of a modality without a view', async () => {
    vi.stubGlobal('fetch', vi.fn(fetchServing({ 'eeg-view.json': eegView })));
    const { unmount } = render(ResultView, { props: { result: resultOf('eeg', ['eeg-view.json', 'topomap.png']) } });
    await waitFor(() => expect(screen.getByTestId('channel-ranking')).toBeTruthy());
    unmount();
    render(ResultView, { props: { result: resultOf('spectra', ['frames.png', 'curve.csv']) } });
    expect(document.querySelector('section.result')!.getAttribute('data-modality')).toBe('spectra');
    expect(screen.getByAltText('frames.png')).toBeTruthy();
  });
});

describe('AudioResult', () => {
  it('plays the input through the server and labels the spectrogram in Hz and seconds', async () => {
    vi.stubGlobal('fetch', vi.fn(fetchServing({ 'audio-view.json': audioView })));
    render(AudioResult, { props: { result: resultOf('audio', ['audio-view.json', 'waveform.png']) } });
    const player = (await screen.findByTestId('player')) as HTMLAudioElement;
    expect(player.getAttribute('src')).toBe('/api/v1/inputs/demo-input/files/0');
    const labels = texts('.y-ticks span');
    expect(labels).toEqual(expect.arrayContaining(['0 Hz', '1000 Hz', '2000 Hz']));
    expect(texts('.x-ticks span')).toEqual(expect.arrayContaining(['0.0 s', '0.2 s']));
    expect(screen.getByTestId('spectrogram')).toBeTruthy();
    expect(screen.getByTestId('waveform')).toBeTruthy();
    // the recording's start and end are marked; the cursor starts at 0 s
    expect(document.querySelectorAll('.mark.dashed').length).toBe(4);
    expect(screen.getByText('0.00 s / 0.50 s')).toBeTruthy();
  });

  it('moves the playback cursor with the arrow keys on the spectrogram', async () => {
    vi.stubGlobal('fetch', vi.fn(fetchServing({ 'audio-view.json': audioView })));
    render(AudioResult, { props: { result: resultOf('audio', ['audio-view.json']) } });
    const spectrogram = await screen.findByTestId('spectrogram');
    const cursorLeft = () => (document.querySelectorAll('[data-testid="cursor"]')[0] as HTMLElement).style.left;
    const before = cursorLeft();
    await fireEvent.keyDown(spectrogram, { key: 'ArrowRight', shiftKey: true });
    expect(screen.getByText('0.10 s / 0.50 s')).toBeTruthy();
    expect(cursorLeft()).not.toBe(before);
    // the waveform's cursor follows
    expect(document.querySelectorAll('[data-testid="cursor"]')).toHaveLength(2);
  });

  it('falls back to the PNG figures without audio-view.json', async () => {
    vi.stubGlobal('fetch', vi.fn(fetchServing({})));
    render(AudioResult, { props: { result: resultOf('audio', ['waveform.png']) } });
    expect(await screen.findByAltText('waveform.png')).toBeTruthy();
  });
});

describe('EegResult', () => {
  it('names the channels, marks the annotations, ranks channels and moves the topography time with the slider', async () => {
    vi.stubGlobal('fetch', vi.fn(fetchServing({ 'eeg-view.json': eegView })));
    render(EegResult, { props: { result: resultOf('eeg', ['eeg-view.json']) } });
    await screen.findByTestId('channel-time');
    expect(texts('.y-ticks span')).toEqual(['Fz', 'Cz', 'Pz', 'Oz']);
    expect(texts('.mark span')).toEqual(['stimulus/target']);
    expect(texts('[data-testid="channel-ranking"] .name')).toEqual(['Pz', 'Oz', 'Fz', 'Cz']);
    // starts at the column with the most |relevance| (column 3: 0.1 s … 0.2 s)
    expect(screen.getByText('Topography at 0.150 s')).toBeTruthy();
    const slider = screen.getByTestId('topo-time') as HTMLInputElement;
    await fireEvent.input(slider, { target: { value: '1' } });
    expect(screen.getByText('Topography at -0.050 s')).toBeTruthy();
    expect(screen.getByLabelText('scalp topography of the relevance at -0.050 s')).toBeTruthy();
  });

  it('shows a server error in words', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ error: 'NotFound', message: "job 'job_test' has no artefact 'eeg-view.json'" }), { status: 404 })));
    render(EegResult, { props: { result: resultOf('eeg', ['eeg-view.json']) } });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/was not found on the server.*no artefact/);
  });
});

describe('ChannelRanking', () => {
  it('orders channels by total |relevance| and gives each its share', () => {
    render(ChannelRanking, { props: { channels: ['A', 'B'], values: Float32Array.from([1, -1, -3, -3]), columns: 2 } });
    expect(texts('.name')).toEqual(['B', 'A']);
    expect(texts('.share')).toEqual(['75.0 %', '25.0 %']);
  });
});

describe('FmriResult', () => {
  it('starts at the peak, links the crosshair across the three slices and offers the NIfTI', async () => {
    vi.stubGlobal('fetch', vi.fn(fetchServing({ 'fmri-view.json': fmriView })));
    render(FmriResult, { props: { result: resultOf('fmri', ['relevance.nii.gz', 'fmri-view.json', 'ortho.png']) } });
    const axial = await screen.findByTestId('slice-axial');
    const at = () => ['axial', 'coronal', 'sagittal'].map((p) => screen.getByTestId(`slice-${p}`).getAttribute('data-at'));
    expect(at()).toEqual(['3,1,1', '3,1,1', '3,1,1']);
    expect(screen.getByTestId('crosshair').textContent).toMatch(/voxel \(3, 1, 1\) · world \(-1\.0, -17\.0, -27\.0\) mm · relevance 2/);
    // arrows on the axial view move x and y; every view follows
    await fireEvent.keyDown(axial, { key: 'ArrowLeft' });
    await fireEvent.keyDown(axial, { key: 'ArrowDown' });
    expect(at()).toEqual(['2,0,1', '2,0,1', '2,0,1']);
    // Page Down on the sagittal view changes its slice (x)
    await fireEvent.keyDown(screen.getByTestId('slice-sagittal'), { key: 'PageDown' });
    expect(at()).toEqual(['1,0,1', '1,0,1', '1,0,1']);
    expect(screen.getByText('sagittal · slice 2/4')).toBeTruthy();
    // the crosshair stays inside the volume
    for (let k = 0; k < 5; k++) await fireEvent.keyDown(axial, { key: 'ArrowLeft' });
    expect(at()[0]).toBe('0,0,1');
    await fireEvent.click(screen.getByText('Go to peak'));
    expect(at()[0]).toBe('3,1,1');
    const link = screen.getByTestId('nifti-download') as HTMLAnchorElement;
    expect(link.getAttribute('href')).toBe('/api/v1/jobs/job_test/artefacts/relevance.nii.gz');
    expect(link.getAttribute('download')).toBe('relevance.nii.gz');
  });

  it('has a threshold slider', async () => {
    vi.stubGlobal('fetch', vi.fn(fetchServing({ 'fmri-view.json': fmriView })));
    render(FmriResult, { props: { result: resultOf('fmri', ['fmri-view.json']) } });
    const slider = (await screen.findByTestId('threshold')) as HTMLInputElement;
    await fireEvent.input(slider, { target: { value: '0.5' } });
    expect(screen.getByText('50 %')).toBeTruthy();
  });
});

describe('ImageResult', () => {
  it('recolours and fades the heatmap in the browser: no new job', async () => {
    const fetch = vi.fn(fetchServing({ 'relevance?input=0': { values: [1, -1, 0.5, 0, 0, 2] } }));
    vi.stubGlobal('fetch', fetch);
    render(ImageResult, { props: { result: resultOf('image', ['heatmap.png', 'overlay.png']), preview: '/api/v1/inputs/x/preview' } });
    await screen.findByTestId('heatmap');
    expect(screen.getByTestId('overlay')).toBeTruthy();
    expect(screen.getByLabelText('colour scale bwr from minus 2 to 2')).toBeTruthy();
    const picker = document.querySelector('select[name="colormap"]') as HTMLSelectElement;
    await fireEvent.change(picker, { target: { value: 'hot' } });
    expect(screen.getByLabelText('colour scale hot from 0 to 2')).toBeTruthy();
    await fireEvent.input(document.querySelector('input[type="range"]')!, { target: { value: '0.3' } });
    expect(screen.getByText('overlay (opacity 0.30)')).toBeTruthy();
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});

describe('JobStatus', () => {
  const job = (state: Job['state']): Job => ({ id: 'job_1', kind: 'explanation', state, progress: { fraction: 0.25 }, error: null, links: { self: '', events: '', result: '' } });

  it('cancels a running job with DELETE and shows the cancelled state', async () => {
    const fetch = vi.fn(fetchServing({}));
    vi.stubGlobal('fetch', fetch);
    const { rerender } = render(JobStatus, { props: { job: job('running') } });
    await fireEvent.click(screen.getByText('Cancel'));
    expect(fetch).toHaveBeenCalledWith('/api/v1/jobs/job_1', expect.objectContaining({ method: 'DELETE' }));
    await rerender({ job: job('cancelled') });
    expect(screen.queryByText('Cancel')).toBeNull();
    expect(screen.getByRole('status').textContent).toMatch(/Cancelled/);
  });

  it('says when a job cannot be cancelled any more', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ error: 'Conflict', message: "job 'job_1' has already finished" }), { status: 409 })));
    render(JobStatus, { props: { job: job('running') } });
    await fireEvent.click(screen.getByText('Cancel'));
    expect((await screen.findByRole('alert')).textContent).toMatch(/cannot be done right now.*already finished/);
  });
});

describe('BenchmarkCurves', () => {
  it('draws one chart per metric with one line per method and the metric direction', () => {
    const curve = (method: string, metric: string, mean: (number | null)[]) => ({ method, metric, x: mean.map((_, i) => i), xLabel: 'step', yLabel: 'logit', mean });
    render(BenchmarkCurves, {
      props: {
        curves: [curve('lrp', 'pixel_flipping', [5, 2, 0]), curve('gradient', 'pixel_flipping', [5, 4, null]), curve('lrp', 'selectivity', [5, 1, 0])],
        metrics: [{ label: 'pixel_flipping', direction: 'higher' }, { label: 'selectivity', direction: 'lower' }],
      },
    });
    expect(texts('figcaption')).toEqual(['pixel_flipping', 'selectivity']);
    expect(document.querySelectorAll('polyline[data-series="lrp"]')).toHaveLength(2);
    expect(document.querySelectorAll('polyline[data-series="gradient"]')).toHaveLength(1);
    expect(texts('.chart small')).toEqual([expect.stringContaining('↑ higher is better'), expect.stringContaining('↓ lower is better')]);
  });
});

describe('VideoResult', () => {
  it('shows the frame strip from the peak frame, the temporal curve and the overlay video', async () => {
    vi.stubGlobal('fetch', vi.fn(fetchServing({ 'temporal-relevance.json': temporalFile })));
    const playable = vi.spyOn(HTMLMediaElement.prototype, 'canPlayType').mockReturnValue('probably');
    const frames = ['overlay-frame-0.png', 'overlay-frame-1.png', 'overlay-frame-2.png'];
    render(VideoResult, { props: { result: resultOf('video', ['contact-sheet.png', 'temporal-relevance.json', 'overlay.gif', 'overlay.mp4', ...frames]) } });
    playable.mockRestore();
    const strip = await screen.findByTestId('frame-strip');
    expect(texts('[data-testid="frame-strip"] span')).toEqual(['0.00 s · 10 %', '0.13 s · 70 %', '0.25 s · 20 %']);
    expect(strip.querySelector('li.current span')!.textContent).toBe('0.13 s · 70 %');
    expect(document.querySelectorAll('polyline')).toHaveLength(2);
    expect(screen.getByTestId('overlay-video').getAttribute('src')).toBe('/api/v1/jobs/job_test/artefacts/overlay.mp4');
    await fireEvent.click(screen.getAllByRole('button')[2]!);
    expect(strip.querySelector('li.current span')!.textContent).toBe('0.25 s · 20 %');
    expect(screen.getByText(/Frame 3 of 3 at 0.25 s holds 20.0 % of the temporal relevance/)).toBeTruthy();
  });

  it('plays the GIF where the browser has no H.264', async () => {
    vi.stubGlobal('fetch', vi.fn(fetchServing({ 'temporal-relevance.json': temporalFile })));
    const playable = vi.spyOn(HTMLMediaElement.prototype, 'canPlayType').mockReturnValue('');
    render(VideoResult, { props: { result: resultOf('video', ['temporal-relevance.json', 'overlay.gif', 'overlay.mp4', 'contact-sheet.png']) } });
    playable.mockRestore();
    expect((await screen.findByAltText('the relevance overlays, animated')).getAttribute('src')).toBe('/api/v1/jobs/job_test/artefacts/overlay.gif');
    expect(screen.queryByTestId('overlay-video')).toBeNull();
    // no PNG per frame: the contact sheet stands in for the strip
    expect(screen.getByAltText('contact-sheet.png')).toBeTruthy();
  });
});

describe('VqaResult', () => {
  it('shows the answer with its score, the image heatmap and the question words in bwr', async () => {
    vi.stubGlobal('fetch', vi.fn(fetchServing({ 'answer.json': answerFile, 'relevance.json': vqaRelevance, 'relevance?input=0': { values: vqaRelevance.values } })));
    const result = resultOf('vqa', ['heatmap.png', 'overlay.png', 'question.html', 'answer.json', 'relevance.json'], {
      relevance: [
        { input: 0, shape: [2, 2, 3], sum: 4, json: '/api/v1/jobs/job_test/relevance?input=0', binary: '' },
        { input: 1, shape: [14], sum: 1, json: '/api/v1/jobs/job_test/relevance?input=1', binary: '' },
      ],
      targetName: '1',
    });
    render(VqaResult, { props: { result } });
    const answer = await screen.findByTestId('vqa-answer');
    expect(answer.textContent).toMatch(/how many blue circles are there \?\s*1\s*\(67\.0 %\)\s*expected: 1/);
    await screen.findByTestId('heatmap');
    const words = await screen.findAllByTitle(/: /);
    expect(words.map((w) => w.textContent)).toEqual(['how', 'many', 'blue', 'circles', 'are', 'there', '?']);
    expect(words[2]!.style.background).toBe('rgb(255, 0, 0)'); // 'blue' carries the largest score
    await fireEvent.click(screen.getByLabelText('against 1'));
    expect(words[2]!.style.background).toBe('transparent');
  });
});
