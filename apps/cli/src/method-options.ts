import { InvalidArgumentError } from '@xai/core';

/**
 * `-o key=value` pairs → an options object. Values are read as JSON when they parse
 * (numbers, booleans, lists, objects), else as strings: `-o steps=64 -o riemann=gauss_legendre
 * -o window=[4,4] -o baseOptions={"composite":"epsilon_plus"}`.
 */
export function parseMethodOptions(pairs: readonly string[]): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError(`option '${pair}' is not key=value`);
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string such as gauss_legendre
    }
    options[key] = value;
  }
  return options;
}

/** Commander collector for a repeatable option. */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function parseInteger(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be an integer, got '${value}'`);
    return n;
  };
}
