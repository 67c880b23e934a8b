import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';
import { API } from './views.js';

const COOKIE = 'xai_token';
const digest = (s: string) => createHash('sha256').update(s).digest();
/** Equal-time comparison of hashes: neither the token's content nor its length leaks through timing. */
const same = (given: string, token: string) => timingSafeEqual(digest(given), digest(token));

function cookie(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/**
 * Optional bearer-token authentication of the API (`XAI_TOKEN`): every /api route but health needs
 * `Authorization: Bearer <token>`. Browsers cannot set that header on EventSource, <img> or the
 * docs page, so GET and HEAD also accept `?access_token=<token>` (answered with an HttpOnly,
 * SameSite=Strict cookie for the API path) and that cookie. Writes always need the header, so a
 * cookie cannot be used for cross-site requests that change anything. The static dashboard and
 * landing page hold no data and stay public.
 */
export function registerAuth(app: FastifyInstance, token: string | undefined): void {
  if (!token) return;
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const route = request.routeOptions.url ?? request.url.split('?')[0]!;
    if (!route.startsWith('/api/') || route === `${API}/health`) return;
    const header = request.headers.authorization;
    const bearer = header?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
    const safe = request.method === 'GET' || request.method === 'HEAD';
    const fromQuery = safe ? (request.query as Record<string, unknown> | undefined)?.access_token : undefined;
    const given = bearer ?? (typeof fromQuery === 'string' ? fromQuery : undefined) ?? (safe ? cookie(request, COOKIE) : undefined);
    if (given === undefined || !same(given, token)) {
      reply.header('www-authenticate', 'Bearer realm="xai"');
      throw new HttpError(401, given === undefined ? 'this server needs a bearer token: send Authorization: Bearer <XAI_TOKEN>' : 'wrong bearer token');
    }
    if (bearer === undefined && typeof fromQuery === 'string') {
      reply.header('set-cookie', `${COOKIE}=${encodeURIComponent(fromQuery)}; Path=${API}; HttpOnly; SameSite=Strict`);
    }
  });
}
