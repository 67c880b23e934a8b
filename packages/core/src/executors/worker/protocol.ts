import type { BackendName } from '../../backend.js';
import type { OpDescription } from './op-codec.js';

/** A tensor as it crosses threads. */
export interface TensorData {
  readonly data: Float32Array;
  readonly shape: number[];
}

export type ToWorker =
  | { readonly type: 'init'; readonly backend: BackendName; readonly signal: SharedArrayBuffer; readonly port: MessagePort }
  | { readonly type: 'params'; readonly key: string; readonly opUid: number; readonly op: OpDescription; readonly kernel: TensorData; readonly bias: TensorData | null }
  | { readonly type: 'forward'; readonly job: number; readonly key: string; readonly x: TensorData }
  | { readonly type: 'backward'; readonly job: number; readonly key: string; readonly s: TensorData; readonly inputShape: number[] }
  | { readonly type: 'release'; readonly opUid: number };

export type FromWorker =
  | { readonly job: number; readonly z: TensorData }
  | { readonly job: number; readonly error: string };
