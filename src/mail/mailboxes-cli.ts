// `caseconsultant mailboxes add|list|remove`. Secrets come from the URL (password) or from the
// environment (OAUTH2_CLIENT_SECRET, OAUTH2_REFRESH_TOKEN) when not given as flags, so they need not
// appear in the shell history or the process list.
import { Option, type Command } from 'commander';
import { getConfig } from '../config.ts';
import { createContext, closeContext } from '../context.ts';
import { rawEncryptionKey } from '../raw-key.ts';
import { migrate } from '../store/migrate.ts';
import { openDb } from '../store/open.ts';
import { addMailbox, removeMailbox } from '../store/mailboxes.ts';
import { audit } from '../store/audit.ts';
import { parseMailboxInput } from './mailbox-input.ts';

export function registerMailboxCommands(program: Command): void {
  const mailboxes = program.command('mailboxes').description('the mailboxes questions arrive at (IMAP_URL is the one-mailbox shortcut)');
  mailboxes
    .command('add')
    .description('add a mailbox to poll; replies to its questions leave from its own address')
    .requiredOption('--name <name>', 'short name, e.g. billing')
    .requiredOption('--imap-url <url>', 'imaps://user%40domain[:password]@host:993/INBOX (no password with --imap-auth oauth2)')
    .addOption(new Option('--imap-auth <auth>').choices(['password', 'oauth2']).default('password'))
    .option('--smtp-url <url>', 'its own SMTP server (default: SMTP_URL), smtps://user%40domain[:password]@host:465')
    .addOption(new Option('--smtp-auth <auth>').choices(['password', 'oauth2']).default('password'))
    .option('--from <address>', 'From of its replies, "Name <address>" (default: the IMAP user)')
    .option('--archive <folder>', 'move stored messages there (default: only flagged \\Seen)')
    .option('--sent <folder>', 'where its provider files sent mail (default IMAP_SENT_MAILBOX), e.g. "Sent Items", "[Gmail]/Sent Mail"')
    .option('--specialty <specialty>', 'specialty of questions whose codes name none')
    .option('--plan <plan>', 'plan of senders without an account')
    .addOption(new Option('--oauth2-provider <provider>', 'token URL and scopes preset').choices(['microsoft', 'google']))
    .option('--oauth2-tenant <tenant>', 'Microsoft 365 tenant id or domain (default organizations)')
    .option('--oauth2-token-url <url>')
    .option('--oauth2-client-id <id>')
    .option('--oauth2-scope <scope>')
    .option('--oauth2-client-secret <secret>', 'default: $OAUTH2_CLIENT_SECRET')
    .option('--oauth2-refresh-token <token>', 'default: $OAUTH2_REFRESH_TOKEN')
    .action(async (o: Record<string, string | undefined>) => {
      const m = parseMailboxInput({
        name: o.name!,
        imapUrl: o.imapUrl!,
        imapAuth: o.imapAuth,
        smtpUrl: o.smtpUrl,
        smtpAuth: o.smtpUrl ? o.smtpAuth : undefined,
        from: o.from,
        archive: o.archive,
        sent: o.sent,
        specialty: o.specialty,
        plan: o.plan,
        oauth2Provider: o.oauth2Provider,
        oauth2Tenant: o.oauth2Tenant,
        oauth2TokenUrl: o.oauth2TokenUrl,
        oauth2ClientId: o.oauth2ClientId,
        oauth2Scope: o.oauth2Scope,
        oauth2ClientSecret: o.oauth2ClientSecret ?? process.env.OAUTH2_CLIENT_SECRET,
        oauth2RefreshToken: o.oauth2RefreshToken ?? process.env.OAUTH2_REFRESH_TOKEN,
      });
      const config = getConfig();
      const db = await openDb(config);
      try {
        await migrate(db);
        const id = await db.tx(async (q) => {
          const id = await addMailbox(q, m, rawEncryptionKey(config));
          await audit(q, { action: 'admin.mailbox_added', detail: { mailboxId: id, name: m.name, via: 'cli' } });
          return id;
        });
        console.log(`mailbox ${id} ${m.name}: ${m.key} (imap ${m.imapAuth}${m.smtpUrl ? `, smtp ${m.smtpAuth}` : ', SMTP_URL'}), replies from ${m.from}`);
        console.log('running pollers take it up within their lease interval (POLLER_LEASE_SECONDS / 3)');
      } finally {
        await db.close();
      }
    });

  mailboxes
    .command('list')
    .description('every mailbox with its cursor and the poller holding its lease')
    .option('--json')
    .action(async (o: { json?: boolean }) => {
      const ctx = await createContext(getConfig(), { migrate: true, part: 'cli' });
      try {
        // Loaded here, not at the top: it brings the poller's modules, which other commands never use.
        const { mailboxOverview } = await import('./mailbox-overview.ts');
        const rows = await mailboxOverview(ctx);
        if (o.json) return console.log(JSON.stringify(rows, null, 2));
        if (!rows.length) return console.log('no mailboxes (IMAP_URL unset, none added): the Maildir inbox is polled');
        for (const r of rows) {
          const lease = r.lease
            ? `held by ${r.lease.holder} (fence ${r.lease.fence}, ${Math.round(r.lease.expiresInMs / 1000)} s left)`
            : r.leaseError
              ? `lease unknown: ${r.leaseError}`
              : 'no poller holds it';
          console.log(
            `${r.name}\t${r.key}\timap ${r.imapAuth}\tsmtp ${r.smtp}\tfrom ${r.from}\tcursor ${r.cursor ? `${r.cursor.uidvalidity}/${r.cursor.lastUid}` : '-'}\t${lease}`,
          );
        }
      } finally {
        await closeContext(ctx);
      }
    });

  mailboxes
    .command('remove')
    .description('stop polling a mailbox (its messages and consultations stay)')
    .requiredOption('--name <name>')
    .action(async (o: { name: string }) => {
      const db = await openDb(getConfig());
      try {
        await migrate(db);
        const gone = await db.tx(async (q) => {
          const row = await removeMailbox(q, o.name);
          if (row) await audit(q, { action: 'admin.mailbox_removed', detail: { mailboxId: row.id, name: row.name, via: 'cli' } });
          return row;
        });
        if (!gone) {
          console.error(`caseconsultant: no mailbox named ${o.name}`);
          process.exitCode = 2;
        } else console.log(`mailbox ${gone.name} removed; its poller lets go of it at its next tick`);
      } finally {
        await db.close();
      }
    });
}
