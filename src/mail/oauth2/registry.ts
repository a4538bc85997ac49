// One token provider per credential in a process: the poller, the send worker and the reconcile all
// ask here, so whichever refreshes first serves the others, and a token one of them saw refused is
// dropped for all.
import type { Config } from '../../config.ts';
import { rawEncryptionKey } from '../../raw-key.ts';
import type { Db } from '../../store/db.ts';
import { dbRefreshTokenStore } from '../../store/oauth2-tokens.ts';
import { OAuth2TokenProvider, type OAuth2Credential } from './token-provider.ts';
import { oauth2Refreshes } from '../../metrics.ts';

// Per database too: a test process runs apps on several databases at once.
const byDb = new WeakMap<Db, Map<string, OAuth2TokenProvider>>();

/** The credential's key: provider, client and user; names no secret. */
export const credentialKey = (tokenUrl: string, clientId: string, user: string) => `${new URL(tokenUrl).host}|${clientId}|${user.toLowerCase()}`;

export function sharedTokenProvider(
  ctx: { db: Db; config: Pick<Config, 'DATA_DIR' | 'RAW_ENCRYPTION_KEY'> },
  credential: OAuth2Credential,
): OAuth2TokenProvider {
  const id = `${credential.key}\n${credential.refreshToken}\n${credential.clientSecret ?? ''}\n${credential.tokenUrl}`;
  let providers = byDb.get(ctx.db);
  if (!providers) byDb.set(ctx.db, (providers = new Map()));
  let p = providers.get(id);
  if (!p) {
    p = new OAuth2TokenProvider(credential, {
      store: dbRefreshTokenStore(ctx.db, rawEncryptionKey(ctx.config)),
      onRefresh: (outcome) => oauth2Refreshes.inc({ outcome }),
    });
    providers.set(id, p);
  }
  return p;
}
