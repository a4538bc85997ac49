// OAuth2 access tokens for IMAP and SMTP (SASL XOAUTH2 / OAUTHBEARER), from a refresh token at the
// provider's token endpoint. One provider per credential and process, shared by the poller, the send
// worker and the Sent-folder reconcile (registry.ts), so a token refreshed by one serves the others.
// A token is refreshed before it expires and again when a server refused it (invalidate). A provider
// that rotates refresh tokens (Microsoft does) gets the new one stored through RefreshTokenStore and
// used from then on, by every process. Tokens never reach a log or an error message.
import { AppError, ErrorCodes } from '../../errors.ts';

export interface OAuth2Credential {
  /** Names the credential in the store and the registry; holds no secret. */
  key: string;
  tokenUrl: string;
  clientId: string;
  clientSecret?: string;
  /** The refresh token as configured: the seed of the chain of rotated ones. */
  refreshToken: string;
  scope?: string;
}

/** Where rotated refresh tokens live (encrypted in the database: src/store/oauth2-tokens.ts). */
export interface RefreshTokenStore {
  /** The latest rotated token of this credential, if its chain started from this seed. */
  load(key: string, seed: string): Promise<string | null>;
  save(key: string, seed: string, token: string): Promise<void>;
}

/** What an IMAP or SMTP client needs: a current access token, and a way to say one was refused. */
export interface TokenSource {
  accessToken(): Promise<string>;
  /** The server refused this token (authentication failed): the next accessToken() refreshes. */
  invalidate(token: string): void;
}

export interface TokenProviderOptions {
  store?: RefreshTokenStore;
  now?: () => number;
  /** Count refreshes (metrics, tests); called with the outcome only. */
  onRefresh?: (outcome: 'ok' | 'rotated' | 'failed') => void;
  timeoutMs?: number;
}

interface Held {
  token: string;
  expiresAt: number;
  /** Refreshed this long before expiry: a minute, or a fifth of a short lifetime. */
  marginMs: number;
}

/** The lead time before expiry at which a token is replaced. Pure. */
export function refreshMargin(lifetimeMs: number): number {
  return Math.min(60_000, Math.floor(lifetimeMs / 5));
}

export class OAuth2TokenProvider implements TokenSource {
  private held: Held | null = null;
  /** The refresh token that worked last (the newest this process knows). */
  private rotated: string | null = null;
  /** A rotated refresh token not yet stored (the write failed). */
  private unsaved: string | null = null;
  private inflight: Promise<string> | null = null;
  private readonly now: () => number;
  readonly credential: OAuth2Credential;
  private readonly opts: TokenProviderOptions;

  constructor(credential: OAuth2Credential, opts: TokenProviderOptions = {}) {
    this.credential = credential;
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  async accessToken(): Promise<string> {
    const h = this.held;
    if (h && this.now() < h.expiresAt - h.marginMs) return h.token;
    // One refresh at a time: every caller waiting on an expired token shares it.
    this.inflight ??= this.refresh().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  invalidate(token: string): void {
    if (this.held?.token === token) this.held = null;
  }

  private async refresh(): Promise<string> {
    const { store } = this.opts;
    const { key, refreshToken: seed } = this.credential;
    // A rotated token this process received but could not store yet is stored first.
    if (this.unsaved && store) {
      await store.save(key, seed, this.unsaved).then(
        () => (this.unsaved = null),
        () => {},
      );
    }
    const stored = (await store?.load(key, seed).catch(() => null)) ?? null;
    // Newest first: what this process last received, then what the database holds (another process
    // may have rotated since), then the configured seed. A provider that revokes a used refresh token
    // refuses the stale ones with invalid_grant; any other refusal ends the attempt.
    const candidates = [...new Set([this.rotated, stored, seed].filter((t): t is string => !!t))];
    let res: Awaited<ReturnType<OAuth2TokenProvider['exchange']>> = { ok: false, error: 'no_refresh_token' };
    let used = seed;
    for (const candidate of candidates) {
      used = candidate;
      res = await this.exchange(candidate);
      if (res.ok || res.error !== 'invalid_grant') break;
    }
    if (!res.ok) {
      this.opts.onRefresh?.('failed');
      throw new AppError(ErrorCodes.OAUTH2_REFRESH_FAILED, `OAuth2 token endpoint refused the refresh: ${res.error}`);
    }
    const rotated = !!res.refreshToken && res.refreshToken !== used;
    this.rotated = rotated ? res.refreshToken! : used;
    const lifetime = res.expiresIn * 1000;
    this.held = { token: res.accessToken, expiresAt: this.now() + lifetime, marginMs: refreshMargin(lifetime) };
    if (rotated && store) {
      // Kept in memory first: a failed write (database away) loses nothing and is tried again.
      await store.save(key, seed, this.rotated).catch(() => (this.unsaved = this.rotated));
    }
    this.opts.onRefresh?.(rotated ? 'rotated' : 'ok');
    return res.accessToken;
  }

  private async exchange(
    refreshToken: string,
  ): Promise<{ ok: true; accessToken: string; expiresIn: number; refreshToken?: string } | { ok: false; error: string }> {
    const c = this.credential;
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: c.clientId });
    if (c.clientSecret) form.set('client_secret', c.clientSecret);
    if (c.scope) form.set('scope', c.scope);
    let res: Response;
    try {
      res = await fetch(c.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form,
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 15_000),
      });
    } catch (err) {
      return { ok: false, error: `unreachable (${(err as Error).name})` };
    }
    let body: Record<string, unknown> = {};
    try {
      body = (await res.json()) as Record<string, unknown>;
    } catch {
      // not JSON: the status says enough
    }
    if (!res.ok || typeof body.access_token !== 'string') {
      // Only the provider's error code (RFC 6749 5.2), a short word, never the body.
      const code = typeof body.error === 'string' && /^[a-z_]{1,40}$/.test(body.error) ? body.error : `http_${res.status}`;
      return { ok: false, error: code };
    }
    const expiresIn = Number(body.expires_in);
    return {
      ok: true,
      accessToken: body.access_token,
      expiresIn: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600,
      refreshToken: typeof body.refresh_token === 'string' && body.refresh_token ? body.refresh_token : undefined,
    };
  }
}

/** True for an IMAP or SMTP error that says the server refused the credentials. */
export function isAuthFailure(err: unknown): boolean {
  const e = err as { authenticationFailed?: boolean; code?: string; responseCode?: number } | null;
  return !!e && (e.authenticationFailed === true || e.code === 'EAUTH' || e.responseCode === 535 || e.responseCode === 334);
}
