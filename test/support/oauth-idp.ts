// The test plays the OAuth2 provider: a token endpoint (grant_type=refresh_token, as Microsoft's and
// Google's) and the introspection endpoint Dovecot's oauth2 passdb asks (RFC 7662). Access tokens
// expire after ttlSeconds; a token can be revoked before then; with rotate on, every refresh hands out
// a new refresh token and the used one stops working, the strictest rotation a provider does.
import crypto from 'node:crypto';
import http from 'node:http';
import { freePort } from './net.ts';

interface Access {
  user: string;
  expiresAt: number;
  revoked: boolean;
}

export interface FakeIdp {
  port: number;
  tokenUrl: string;
  introspectUrl: string;
  clientId: string;
  clientSecret: string;
  ttlSeconds: number;
  rotate: boolean;
  /** A refresh token for this user, as a consent flow would hand out. */
  grant(user: string): string;
  /** Every access token issued so far, in order. */
  issued: string[];
  /** The refresh token used by each successful or refused refresh, in order. */
  refreshesWith: string[];
  refusedRefreshes: number;
  introspections: { token: string; active: boolean }[];
  revoke(accessToken: string): void;
  /** The user of an access token that is active now, else null. */
  check(accessToken: string): string | null;
  stop(): Promise<void>;
}

const rnd = (p: string) => `${p}${crypto.randomBytes(18).toString('base64url')}`;

export async function startFakeIdp(opts: { ttlSeconds?: number; rotate?: boolean } = {}): Promise<FakeIdp> {
  const port = await freePort();
  const access = new Map<string, Access>();
  const refresh = new Map<string, { user: string; valid: boolean }>();
  const idp: FakeIdp = {
    port,
    tokenUrl: `http://127.0.0.1:${port}/token`,
    introspectUrl: `http://127.0.0.1:${port}/introspect`,
    clientId: 'caseconsultant-test',
    clientSecret: rnd('cs-'),
    ttlSeconds: opts.ttlSeconds ?? 3,
    rotate: opts.rotate ?? false,
    issued: [],
    refreshesWith: [],
    refusedRefreshes: 0,
    introspections: [],
    grant(user) {
      const t = rnd('rt-');
      refresh.set(t, { user, valid: true });
      return t;
    },
    revoke(t) {
      const a = access.get(t);
      if (a) a.revoked = true;
    },
    check(t) {
      const a = access.get(t);
      return a && !a.revoked && Date.now() < a.expiresAt ? a.user : null;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      if (req.url === '/token') {
        const rt = form.get('refresh_token') ?? '';
        idp.refreshesWith.push(rt);
        const r = refresh.get(rt);
        if (form.get('grant_type') !== 'refresh_token' || form.get('client_id') !== idp.clientId || form.get('client_secret') !== idp.clientSecret)
          return json(res, 401, { error: 'invalid_client' });
        if (!r?.valid) {
          idp.refusedRefreshes++;
          return json(res, 400, { error: 'invalid_grant', error_description: 'refresh token expired or revoked' });
        }
        const token = rnd('at-');
        access.set(token, { user: r.user, expiresAt: Date.now() + idp.ttlSeconds * 1000, revoked: false });
        idp.issued.push(token);
        const out: Record<string, unknown> = { access_token: token, token_type: 'Bearer', expires_in: idp.ttlSeconds };
        if (idp.rotate) {
          r.valid = false;
          out.refresh_token = idp.grant(r.user);
        }
        return json(res, 200, out);
      }
      if (req.url === '/introspect') {
        const token = form.get('token') ?? '';
        const user = idp.check(token);
        idp.introspections.push({ token, active: !!user });
        return json(res, 200, user ? { active: true, username: user } : { active: false });
      }
      json(res, 404, { error: 'not_found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return idp;
}
