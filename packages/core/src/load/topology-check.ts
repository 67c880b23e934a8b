import { InvalidModelError, UnsupportedLayerError } from '../errors.js';
import { supportedLayerClasses } from '../graph/registry.js';

const CONTAINERS = new Set(['Sequential', 'Model', 'Functional']);
/** Initializer options that must be finite numbers (tfjs loops forever on some that are not, e.g. a NaN stddev). */
const NUMERIC_INITIALIZER_OPTIONS = ['mean', 'stddev', 'minval', 'maxval', 'scale', 'gain', 'value'];

const isRecord = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Walks the Keras topology before tfjs deserialises it, so that what tfjs would fail on obscurely,
 * or never finish, is reported naming the file, the layer and the field:
 * - an unsupported (or unknown, custom) layer class (UnsupportedLayerError);
 * - a layer without a class or a config object, a duplicate layer name in one model;
 * - initializer options that are not finite numbers (a non-negative one for `stddev`);
 * - in a functional model, inbound nodes that are not [layer, node, tensor, kwargs?] lists, that
 *   name a missing layer, or that can never be built (a node index no layer call creates, a
 *   cycle): tfjs's modelFromJSON re-queues such nodes forever. The check replays its queue.
 */
export function checkTopology(topology: unknown, file = 'model.json'): void {
  const supported = supportedLayerClasses();
  const root = isRecord(topology) && 'model_config' in topology ? topology.model_config : topology;
  const bad = (where: string, detail: string): never => {
    throw new InvalidModelError(file, `modelTopology: ${where}: ${detail}`);
  };
  const visit = (layer: unknown, where: string): void => {
    if (!isRecord(layer)) return bad(where, 'a layer must be an object with class_name and config');
    const className = layer.class_name;
    if (typeof className !== 'string') return bad(where, `class_name must be a string, got ${JSON.stringify(className)}`);
    const config = layer.config;
    if (CONTAINERS.has(className)) {
      const layers = Array.isArray(config) ? config : isRecord(config) ? config.layers ?? [] : bad(`${where} (${className})`, 'config must be an object');
      if (!Array.isArray(layers)) return bad(`${where} (${className})`, 'config.layers must be a list');
      layers.forEach((l, i) => visit(l, `${where}.layers[${i}]`));
      if (className !== 'Sequential') checkFunctionalGraph(layers as Record<string, any>[], config as Record<string, any>, `${where} (${className})`, bad);
      return;
    }
    if (!isRecord(config)) return bad(`${where} (${className})`, 'config must be an object');
    const name = typeof config.name === 'string' ? config.name : '?';
    if (!supported.includes(className)) throw new UnsupportedLayerError(name, className, supported);
    checkInitializers(config, `layer '${name}' (${className})`, bad);
  };
  visit(root, 'model_config');
}

/** Every `*_initializer` in a layer's config, nested ones included (a wrapper's inner layer). */
function checkInitializers(config: Record<string, any>, layer: string, bad: (where: string, detail: string) => never, depth = 0): void {
  if (depth > 32) bad(layer, 'configuration nested too deeply');
  for (const [key, value] of Object.entries(config)) {
    if (isRecord(value) && !key.endsWith('_initializer')) checkInitializers(value, `${layer}.${key}`, bad, depth + 1);
    if (!key.endsWith('_initializer') || value === null || value === undefined || typeof value === 'string') continue;
    if (!isRecord(value) || typeof value.class_name !== 'string') bad(`${layer}.${key}`, 'must be an initializer name or { class_name, config }');
    const options = value.config ?? {};
    if (!isRecord(options)) return bad(`${layer}.${key}.config`, 'must be an object');
    for (const option of NUMERIC_INITIALIZER_OPTIONS) {
      if (!(option in options)) continue;
      const v = options[option];
      if (typeof v !== 'number' || !Number.isFinite(v) || (option === 'stddev' && v < 0)) {
        bad(`${layer}.${key}.config.${option}`, `must be a finite${option === 'stddev' ? ', non-negative' : ''} number, got ${JSON.stringify(v)}`);
      }
    }
    if ('seed' in options && options.seed !== null && !Number.isFinite(options.seed)) bad(`${layer}.${key}.config.seed`, `must be a number or null, got ${JSON.stringify(options.seed)}`);
  }
}

/**
 * Replays tfjs's construction queue (Container.fromConfig) on names only: a layer's call (inbound
 * node) is made once every layer it reads exists with enough calls made; a pass that makes none
 * while some remain is where tfjs would loop forever.
 */
function checkFunctionalGraph(layers: Record<string, any>[], config: Record<string, any>, where: string, bad: (where: string, detail: string) => never): void {
  const made = new Map<string, number>(); // layer name → calls (inbound nodes) made so far
  const pending = new Map<string, unknown[][][]>();
  layers.forEach((layer, i) => {
    const name = layer.name ?? layer.config?.name;
    if (typeof name !== 'string') bad(`${where}.layers[${i}].name`, 'must be a string');
    if (made.has(name)) bad(`${where}.layers[${i}].name`, `duplicate layer name '${name}'`);
    made.set(name, layer.class_name === 'InputLayer' ? 1 : 0);
    const nodes = layer.inbound_nodes ?? [];
    if (!Array.isArray(nodes)) bad(`${where} layer '${name}'.inbound_nodes`, 'must be a list');
    nodes.forEach((node: unknown, n: number) => {
      if (!Array.isArray(node)) bad(`${where} layer '${name}'.inbound_nodes[${n}]`, 'must be a list of [layer, node index, tensor index, kwargs]');
      (node as unknown[]).forEach((input, k) => {
        const at = `${where} layer '${name}'.inbound_nodes[${n}][${k}]`;
        if (!Array.isArray(input) || typeof input[0] !== 'string' || !Number.isSafeInteger(input[1]) || input[1] < 0 || !Number.isSafeInteger(input[2]) || input[2] < 0) {
          bad(at, `must be [layer name, node index, tensor index, kwargs], got ${JSON.stringify(input)?.slice(0, 80)}`);
        }
      });
    });
    pending.set(name, nodes as unknown[][][]);
  });
  for (const [name, nodes] of pending) {
    for (const node of nodes) for (const input of node) if (!made.has(input[0] as string)) bad(`${where} layer '${name}'`, `reads layer '${String(input[0])}', which the model does not have`);
  }
  for (;;) {
    let progress = false;
    for (const [name, nodes] of pending) {
      const waiting = nodes.filter((node) => !node.every((input) => made.get(input[0] as string)! > (input[1] as number)));
      const builtNow = nodes.length - waiting.length;
      if (builtNow > 0) {
        made.set(name, made.get(name)! + builtNow);
        progress = true;
      }
      pending.set(name, waiting);
      if (waiting.length === 0) pending.delete(name);
    }
    if (pending.size === 0) break;
    if (!progress) {
      const [name, nodes] = pending.entries().next().value!;
      const input = nodes[0]!.find((i) => !(made.get(i[0] as string)! > (i[1] as number)))!;
      bad(`${where} layer '${name}'`, `reads call ${String(input[1])} of layer '${String(input[0])}', which is never made (a missing node or a cycle)`);
    }
  }
  for (const key of ['input_layers', 'output_layers'] as const) {
    const refs = config[key];
    if (!Array.isArray(refs) || refs.length === 0) bad(`${where}.${key}`, 'must be a non-empty list of [layer name, node index, tensor index]');
    refs.forEach((ref: unknown, k: number) => {
      if (!Array.isArray(ref) || typeof ref[0] !== 'string' || !made.has(ref[0]) || !Number.isSafeInteger(ref[1]) || ref[1] < 0 || ref[1] >= made.get(ref[0])! || !Number.isSafeInteger(ref[2]) || ref[2] < 0) {
        bad(`${where}.${key}[${k}]`, `must name a layer of the model and one of its calls, got ${JSON.stringify(ref)?.slice(0, 80)}`);
      }
    });
  }
}
