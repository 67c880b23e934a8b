/**
 * A user's file name as the adapters see it (they read its extension): the last path component,
 * without control characters, at most 200 characters. It is kept in the database and shown back;
 * files are stored under generated names only.
 */
export function cleanFileName(raw: string | undefined, fallback: string): string {
  const last = (raw ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = last.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  if (clean === '' || clean === '.' || clean === '..') return fallback;
  if (clean.length <= 200) return clean;
  const dot = clean.lastIndexOf('.');
  const ext = dot > 0 && clean.length - dot <= 16 ? clean.slice(dot) : '';
  return clean.slice(0, 200 - ext.length) + ext;
}
