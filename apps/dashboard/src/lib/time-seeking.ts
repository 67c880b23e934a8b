/**
 * Seeking on a plot whose x axis is time from t0 to t1 (spectrogram, waveform): a click seeks to
 * the time under the pointer, ←/→ step 20 ms (100 ms with Shift) from the current time.
 */
export function timeSeeking(axis: () => { t0: number; t1: number; time: number | null; onseek?: (seconds: number) => void }) {
  return {
    click(e: MouseEvent) {
      const { t0, t1, onseek } = axis();
      const box = (e.currentTarget as HTMLElement).getBoundingClientRect();
      onseek?.(t0 + ((e.clientX - box.left) / box.width) * (t1 - t0));
    },
    key(e: KeyboardEvent) {
      if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
      const { time, onseek } = axis();
      const step = e.shiftKey ? 0.1 : 0.02;
      e.preventDefault();
      onseek?.((time ?? 0) + (e.key === 'ArrowRight' ? step : -step));
    },
  };
}
