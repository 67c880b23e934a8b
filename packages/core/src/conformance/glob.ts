/**
 * Comma-separated shell-style globs ('*', '?') → a predicate; undefined matches everything.
 * A pattern starting with '!' excludes what it matches ('!onnx_transformer', 'onnx_*,!*_mlp').
 */
export function globFilter(patterns: string | undefined): (name: string) => boolean {
  if (!patterns) return () => true;
  const toRegex = (p: string) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  const list = patterns.split(',').map((p) => p.trim()).filter(Boolean);
  const include = list.filter((p) => !p.startsWith('!')).map(toRegex);
  const exclude = list.filter((p) => p.startsWith('!')).map((p) => toRegex(p.slice(1)));
  return (name) => (include.length === 0 || include.some((r) => r.test(name))) && !exclude.some((r) => r.test(name));
}
