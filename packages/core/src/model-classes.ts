/**
 * Class names a model file carries: ONNX `metadata_props` or a tfjs model.json's
 * `userDefinedMetadata`. One convention for every modality, so the CLI, the server and the
 * adapters print "target" rather than "1".
 *
 * Keys, first found wins: `xai.classes` (what this project writes), then `classes`, `class_names`,
 * `labels`, and in model.json also `classNames`. A value is a list: a JSON array, a comma-separated
 * string, or a Python list literal (`str(['cat', 'dog'])` writes "['cat', 'dog']").
 */

export const CLASS_NAME_KEYS = ['xai.classes', 'classes', 'class_names', 'classNames', 'labels'] as const;

/**
 * A list written as "a,b,c", '["a","b"]' or "['a', 'b']": the names, trimmed, quotes removed.
 * An empty text gives no names.
 */
export function parseNameList(text: string): string[] {
  let body = text.trim();
  if (body.startsWith('[') && body.endsWith(']')) {
    try {
      const parsed: unknown = JSON.parse(body);
      if (Array.isArray(parsed)) return parsed.map((v) => String(v).trim());
    } catch {
      // a Python list literal: split below
    }
    body = body.slice(1, -1);
  }
  if (body.trim() === '') return [];
  return body.split(',').map((s) => s.trim().replace(/^(['"])(.*)\1$/, '$2').trim());
}

/** The class names in a model's metadata (string values or, from model.json, arrays), or null. */
export function classNamesFromMetadata(metadata: Readonly<Record<string, unknown>> | null | undefined): string[] | null {
  if (!metadata) return null;
  for (const key of CLASS_NAME_KEYS) {
    if (!Object.hasOwn(metadata, key)) continue;
    const value = metadata[key];
    const names = Array.isArray(value) ? value.map((v) => String(v).trim()) : typeof value === 'string' ? parseNameList(value) : [];
    if (names.length > 0 && names.every((n) => n !== '')) return names;
  }
  return null;
}
