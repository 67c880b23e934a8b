/**
 * Natural order of file names: digit runs compare as numbers, so frame-2.png comes before
 * frame-10.png (what a person expects of a frame folder; a plain string sort would not).
 */
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });

export function compareNatural(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

export function sortNatural<T>(items: readonly T[], name: (item: T) => string): T[] {
  return [...items].sort((a, b) => compareNatural(name(a), name(b)));
}
