// /admin/mailboxes: the mailboxes questions arrive at, who polls each, adding and removing them.
// Admins only; every change is audited. Secrets typed here are sealed before they are stored and
// never shown again.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { AppError, ErrorCodes } from '../../errors.ts';
import { parseMailboxInput } from '../../mail/mailbox-input.ts';
import { mailboxOverview } from '../../mail/mailbox-overview.ts';
import { rawEncryptionKey } from '../../raw-key.ts';
import { audit } from '../../store/audit.ts';
import { addMailbox, removeMailbox } from '../../store/mailboxes.ts';
import { requireAdmin } from '../admin-actions.ts';
import { page, signedIn } from './state.ts';

const field = z.string().max(4000).optional();
const form = z.object({
  name: z.string().max(40),
  imapUrl: z.string().max(2000),
  imapAuth: field,
  smtpUrl: field,
  smtpAuth: field,
  from: field,
  archive: field,
  sent: field,
  specialty: field,
  plan: field,
  oauth2Provider: field,
  oauth2Tenant: field,
  oauth2TokenUrl: field,
  oauth2ClientId: field,
  oauth2ClientSecret: field,
  oauth2RefreshToken: field,
  oauth2Scope: field,
});

export function registerMailboxRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/admin/mailboxes', async (req, reply) => {
    requireAdmin(signedIn(req));
    const q = req.query as Record<string, string>;
    const mailboxes = (await mailboxOverview(ctx)).map((m) => ({
      ...m,
      fromEnv: m.name === 'default',
      leaseSeconds: m.lease ? Math.round(m.lease.expiresInMs / 1000) : null,
    }));
    return page(ctx, req, reply, 'admin-mailboxes', 'Mailboxes', { nav: 'admin', tab: 'mailboxes', mailboxes, done: q.done ?? null });
  });
  app.post('/admin/mailboxes', async (req, reply) => {
    const actor = signedIn(req);
    requireAdmin(actor);
    const parsed = form.safeParse(req.body ?? {});
    if (!parsed.success) throw new AppError(ErrorCodes.BAD_REQUEST, 'Check the form.');
    const m = parseMailboxInput(parsed.data);
    await ctx.db.tx(async (q) => {
      const id = await addMailbox(q, m, rawEncryptionKey(ctx.config));
      await audit(q, { userId: actor.id, action: 'admin.mailbox_added', detail: { mailboxId: id, name: m.name, via: 'console' } });
    });
    return reply.redirect('/admin/mailboxes?done=added', 303);
  });
  app.post('/admin/mailboxes/:name/remove', async (req, reply) => {
    const actor = signedIn(req);
    requireAdmin(actor);
    const name = String((req.params as { name: string }).name);
    await ctx.db.tx(async (q) => {
      const row = await removeMailbox(q, name);
      if (!row) throw new AppError(ErrorCodes.NOT_FOUND, 'No such mailbox (IMAP_URL is changed in the configuration).');
      await audit(q, { userId: actor.id, action: 'admin.mailbox_removed', detail: { mailboxId: row.id, name: row.name, via: 'console' } });
    });
    return reply.redirect('/admin/mailboxes?done=removed', 303);
  });
}
