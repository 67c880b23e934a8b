/** The API client: JSON over fetch, errors turned into words a user understands, optional bearer token. */

export const API = '/api/v1';
const TOKEN_KEY = 'xai.token';

export function getToken(): string {
  try {
    return localStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

export function setToken(token: string): void {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage unavailable: the token lives for this page only */
  }
}

/** A failed request: the server's `{ error, message }` plus a sentence for people. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'ApiError';
  }

  /** What the dashboard shows. */
  get friendly(): string {
    return friendlyMessage(this.status, this.code, this.detail);
  }
}

const BY_STATUS: Record<number, string> = {
  0: 'The server could not be reached. Is it running?',
  400: 'The server did not accept these settings.',
  401: 'This server needs an access token. Enter it under “Access token” at the top.',
  403: 'This is not allowed (demo models and inputs cannot be changed).',
  404: 'This was not found on the server (it may have been deleted).',
  409: 'This cannot be done right now (it is in use or already finished).',
  413: 'The upload is too large for this server.',
  415: 'This file type is not supported. Use a file type listed for the modality.',
  422: 'The file could not be used.',
  429: 'Too many requests: wait a minute and try again.',
};

export function friendlyMessage(status: number, code: string, detail: string): string {
  const head = BY_STATUS[status] ?? (status >= 500 ? 'The server failed while doing this.' : 'The request failed.');
  return detail ? `${head} ${capitalise(detail)}${/[.!?]$/.test(detail) ? '' : '.'}` : head;
}

/**
 * The first letter upper case when the message starts with an ordinary word; a file name
 * ('scan.png: …', 'rec-01.edf …'), an option or a node name keeps its own spelling.
 */
export const capitalise = (s: string) => (/^[a-z]+(\s|,|$)/.test(s) ? s.charAt(0).toUpperCase() + s.slice(1) : s);

/** A job that failed while running carries `{ error, message }` too. */
export function jobErrorMessage(error: { error?: string; message?: string } | null | undefined): string {
  if (!error) return 'The job failed.';
  return `The job failed: ${capitalise(error.message ?? error.error ?? 'unknown error')}${/[.!?]$/.test(error.message ?? '') ? '' : '.'}`;
}

export function describeError(err: unknown): string {
  if (err instanceof ApiError) return err.friendly;
  if (err instanceof Error) return err.message;
  return String(err);
}

function headers(extra?: HeadersInit): Headers {
  const h = new Headers(extra);
  const token = getToken();
  if (token && !h.has('authorization')) h.set('authorization', `Bearer ${token}`);
  return h;
}

/** fetch of an API path (`/models` or an absolute `/api/v1/...` URL) with the token. */
export async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const url = path.startsWith('/api/') ? path : `${API}${path}`;
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers: headers(init.headers) });
  } catch (err) {
    throw new ApiError(0, 'NetworkError', '');
  }
  if (!response.ok) {
    let code = `HTTP${response.status}`;
    let message = '';
    try {
      const body = (await response.json()) as { error?: string; message?: string };
      code = body.error ?? code;
      message = body.message ?? '';
    } catch {
      /* not JSON */
    }
    throw new ApiError(response.status, code, message);
  }
  return response;
}

export async function getJson<T>(path: string): Promise<T> {
  return (await (await request(path)).json()) as T;
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  const response = await request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await response.json()) as T;
}

export async function postForm<T>(path: string, form: FormData): Promise<T> {
  return (await (await request(path, { method: 'POST', body: form })).json()) as T;
}

/** A URL for <img>, <a> or EventSource, which cannot send the header: the token goes in the query. */
export function withToken(url: string): string {
  const token = getToken();
  if (!token) return url;
  return `${url}${url.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(token)}`;
}
