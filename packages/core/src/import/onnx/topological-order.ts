/** Sorts nodes so that every value is produced before it is used; finds cycles and dangling inputs. */
import { OnnxGraphError } from './errors.js';
import type { OnnxNode } from './model.js';

/**
 * Nodes in an order where producers precede consumers, keeping the file's order where it already is.
 * `available`: values that exist before any node runs (graph inputs, initializers, outer scope).
 * Throws OnnxGraphError for an input nothing produces (unless `allowUnknown`), for a value produced
 * twice, and for a cycle (naming the nodes on it).
 */
export function topologicalOrder(
  nodes: readonly OnnxNode[],
  available: ReadonlySet<string>,
  file: string,
  field: string,
  allowUnknown = false,
): OnnxNode[] {
  const producer = new Map<string, number>();
  nodes.forEach((node, index) => {
    for (const output of node.outputs) {
      if (output === '') continue;
      if (producer.has(output) || available.has(output)) {
        throw new OnnxGraphError(file, `${field}.node[${index}]`, `value '${output}' of node '${label(node, index)}' is produced twice`);
      }
      producer.set(output, index);
    }
  });
  nodes.forEach((node, index) => {
    for (const input of node.inputs) {
      if (input === '' || available.has(input) || producer.has(input) || allowUnknown) continue;
      throw new OnnxGraphError(file, `${field}.node[${index}]`,
        `input '${input}' of node '${label(node, index)}' (${node.opType}) is produced by no node, initializer or graph input`);
    }
  });
  const state = new Uint8Array(nodes.length); // 0 new, 1 on the stack, 2 placed
  const order: OnnxNode[] = [];
  for (let start = 0; start < nodes.length; start++) {
    if (state[start]) continue;
    // Iterative depth-first search: [node, next input to look at].
    const stack: [number, number][] = [[start, 0]];
    state[start] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [index, next] = top;
      const inputs = nodes[index].inputs;
      if (next < inputs.length) {
        top[1]++;
        const dep = producer.get(inputs[next]);
        if (dep === undefined || state[dep] === 2) continue;
        if (state[dep] === 1) {
          const cycle = stack.slice(stack.findIndex(([i]) => i === dep)).map(([i]) => label(nodes[i], i));
          throw new OnnxGraphError(file, field, `the nodes form a cycle: ${[...cycle, cycle[0]].join(' → ')}`);
        }
        state[dep] = 1;
        stack.push([dep, 0]);
      } else {
        state[index] = 2;
        order.push(nodes[index]);
        stack.pop();
      }
    }
  }
  return order;
}

function label(node: OnnxNode, index: number): string {
  return node.name || `#${index} ${node.opType}`;
}
