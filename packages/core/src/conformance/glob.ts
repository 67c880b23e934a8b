/** Comma-separated shell-style globs ('*', '?') → a predicate; undefined matches everything. */
export function globFilter(patterns: string | undefined): (name: string) => boolean {
  if (!patterns) return () => true;
  const regexes = patterns
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`));
  return (name) => regexes.some((r) => r.test(name));
}
