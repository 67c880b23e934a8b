import { render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from '@testing-library/svelte';
import ExecutionNote from '../src/components/ExecutionNote.svelte';

afterEach(() => cleanup());

describe('ExecutionNote', () => {
  it('names the executor and ORT provider, and the build time when this run built the graph', () => {
    render(ExecutionNote, { props: { execution: { executor: 'ort', provider: 'cpu', built: true, buildMs: 412.6 } } });
    expect(screen.getByTestId('execution').textContent!.trim()).toBe('Ran on ort (cpu), graph built in 413 ms');
  });

  it('says why ort fell back to tfjs', () => {
    render(ExecutionNote, { props: { execution: { executor: 'tfjs', fallback: "method 'lime'" } } });
    expect(screen.getByTestId('execution').textContent!.replace(/\s+/g, ' ').trim()).toBe("Ran on tfjs — ort could not run it: method 'lime'");
  });

  it('shows nothing for a result without an execution report', () => {
    render(ExecutionNote, { props: { execution: undefined } });
    expect(screen.queryByTestId('execution')).toBeNull();
  });
});
