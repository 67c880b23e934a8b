/** Hash navigation: `#/explain?model=…&input=…`. */
export const VIEWS = ['gallery', 'explain', 'compare', 'benchmarks', 'analysis', 'models'] as const;
export type View = (typeof VIEWS)[number];

export function parseHash(hash: string): { view: View; params: URLSearchParams } {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const view = (VIEWS as readonly string[]).includes(path) ? (path as View) : 'gallery';
  return { view, params: new URLSearchParams(query) };
}

export function href(view: View, params: Record<string, string> = {}): string {
  const q = new URLSearchParams(params).toString();
  return `#/${view}${q ? `?${q}` : ''}`;
}

export function navigate(view: View, params: Record<string, string> = {}): void {
  location.hash = href(view, params);
}
