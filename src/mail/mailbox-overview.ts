// Every mailbox with its cursor and who holds its poller lease: the CLI's list, the admin page,
// /readyz and /metrics all show this.
import type { AppContext } from '../context.ts';
import { cursorsByKey } from '../store/mailboxes.ts';
import { loadMailboxSpecs } from './mailbox-specs.ts';
import { pollerLeasesOf } from './poller.ts';
import type { LeaseHolder } from './poller-lease.ts';

export interface MailboxOverview {
  name: string;
  key: string;
  imapAuth: 'password' | 'oauth2';
  smtp: string;
  from: string;
  defaultSpecialty: string | null;
  defaultPlan: string | null;
  cursor: { uidvalidity: number; lastUid: number; updatedAt: Date } | null;
  lease: LeaseHolder | null;
  leaseError?: string;
}

export async function mailboxOverview(ctx: AppContext): Promise<MailboxOverview[]> {
  const [specs, cursors] = await Promise.all([loadMailboxSpecs(ctx), cursorsByKey(ctx.db)]);
  const leases = pollerLeasesOf(ctx, 'observer');
  return Promise.all(
    specs.map(async (s) => {
      let lease: LeaseHolder | null = null;
      let leaseError: string | undefined;
      try {
        lease = await leases.holderOf(s.key);
      } catch (err) {
        leaseError = (err as Error).message.slice(0, 100);
      }
      return {
        name: s.name,
        key: s.key,
        imapAuth: s.imap.tokens ? ('oauth2' as const) : ('password' as const),
        smtp: s.smtp ? (s.smtp.tokens ? 'own, oauth2' : 'own, password') : 'SMTP_URL',
        from: s.from,
        defaultSpecialty: s.defaultSpecialty,
        defaultPlan: s.defaultPlan,
        cursor: cursors.get(s.key) ?? null,
        lease,
        ...(leaseError ? { leaseError } : {}),
      };
    }),
  );
}
