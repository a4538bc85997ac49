// Sign-in by emailed link: single use, short-lived, delivered through the outbox like any mail.
import crypto from 'node:crypto';
import type { AppContext } from '../../context.ts';
import { renderEmail } from '../../send/render.ts';
import { buildStaffMail } from '../../send/customer-reply.ts';
import { audit } from '../../store/audit.ts';
import { insertMagicLink } from '../../store/magic-links.ts';
import { enqueueOutbound } from '../../store/outbox.ts';
import { sha256Hex } from '../../store/users.ts';
import { userByEmail } from './credentials.ts';

/** Sends a link when the address is an active user's; says nothing either way to the caller's visitor. */
export async function requestMagicLink(ctx: AppContext, email: string): Promise<boolean> {
  const user = await userByEmail(ctx.db, email);
  if (!user?.active) return false;
  const token = crypto.randomBytes(32).toString('base64url');
  const minutes = ctx.config.MAGIC_LINK_MINUTES;
  const link = `${ctx.config.PUBLIC_URL}/login/magic/${token}`;
  const mail = renderEmail('magic_link', { name: user.name, link, minutes });
  const outboundId = await ctx.db.tx(async (q) => {
    await insertMagicLink(q, sha256Hex(token), user.id, minutes);
    const { row } = await enqueueOutbound(
      q,
      buildStaffMail(ctx.config, {
        kind: 'magic_link',
        consultationId: null,
        dedupKey: `magic_link:${sha256Hex(token)}`,
        to: user.email,
        subject: 'Your CaseConsultant sign-in link',
        body: mail,
      }),
    );
    await audit(q, { userId: user.id, action: 'auth.magic_link_requested', detail: { outboundId: row.id } });
    return row.id;
  });
  await ctx.producers.add('send', { outboundId });
  return true;
}

export { consumeMagicLink, magicLinkUser } from '../../store/magic-links.ts';
