// The token provider against the test's own token endpoint (no mail servers): one refresh for many
// waiting callers, refresh before expiry, a rotated refresh token kept when it could not be stored,
// and a chain rotated by another process picked up from the store.
import assert from 'node:assert/strict';
import { beforeAll, afterAll, describe, it } from '@jest/globals';
import { OAuth2TokenProvider, type RefreshTokenStore } from '../../src/mail/oauth2/token-provider.ts';
import { startFakeIdp, type FakeIdp } from '../support/oauth-idp.ts';

function memoryStore(): RefreshTokenStore & { map: Map<string, string>; failing: boolean } {
  const map = new Map<string, string>();
  return {
    map,
    failing: false,
    async load(key, seed) {
      return map.get(`${key}\n${seed}`) ?? null;
    },
    async save(key, seed, token) {
      if (this.failing) throw new Error('database away');
      map.set(`${key}\n${seed}`, token);
    },
  };
}

describe('OAuth2 token provider', () => {
  let idp: FakeIdp;
  beforeAll(async () => {
    idp = await startFakeIdp({ ttlSeconds: 2 });
  });
  afterAll(() => idp.stop());

  const provider = (seed: string, store?: RefreshTokenStore, now?: () => number) =>
    new OAuth2TokenProvider({ key: 'k', tokenUrl: idp.tokenUrl, clientId: idp.clientId, clientSecret: idp.clientSecret, refreshToken: seed }, { store, now });

  it('refreshes once for many waiting callers, and again only near expiry', async () => {
    let t = 1_000_000;
    const p = provider(idp.grant('u@x.test'), undefined, () => t);
    const before = idp.issued.length;
    const tokens = await Promise.all([p.accessToken(), p.accessToken(), p.accessToken()]);
    assert.equal(new Set(tokens).size, 1);
    assert.equal(idp.issued.length, before + 1);
    t += 1500; // 2 s lifetime, refreshed in its last fifth (400 ms)
    assert.equal(await p.accessToken(), tokens[0]);
    t += 200;
    assert.notEqual(await p.accessToken(), tokens[0], 'replaced before it expires');
    const current = await p.accessToken();
    p.invalidate(current);
    assert.notEqual(await p.accessToken(), current, 'a refused token is replaced at once');
  });

  it('keeps a rotated refresh token it could not store, and stores it later', async () => {
    idp.rotate = true;
    try {
      const store = memoryStore();
      const seed = idp.grant('u@x.test');
      const p = provider(seed, store);
      store.failing = true;
      const first = await p.accessToken();
      assert.equal(store.map.size, 0);
      p.invalidate(first);
      store.failing = false;
      const refused = idp.refusedRefreshes;
      await p.accessToken();
      assert.equal(idp.refusedRefreshes, refused, 'used the rotated token kept in memory, not the revoked seed');
      assert.equal(store.map.size, 1, 'the rotated token is stored once the store is back');
    } finally {
      idp.rotate = false;
    }
  });

  it('picks up a chain another process rotated, from the store', async () => {
    idp.rotate = true;
    try {
      const store = memoryStore();
      const seed = idp.grant('u@x.test');
      const a = provider(seed, store);
      const b = provider(seed, store);
      await a.accessToken(); // rotates: the seed is spent
      await b.accessToken(); // must use the stored one
      assert.equal(idp.refusedRefreshes, 0);
      const fromB = idp.refreshesWith.at(-1);
      assert.notEqual(fromB, seed);
    } finally {
      idp.rotate = false;
    }
  });

  it('names the provider error, never a token', async () => {
    const p = provider('rt-unknown');
    await assert.rejects(p.accessToken(), (err: Error) => /invalid_grant/.test(err.message) && !err.message.includes('rt-unknown'));
  });
});
