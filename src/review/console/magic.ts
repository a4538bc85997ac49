// Sign-in by emailed link: single use, short-lived, delivered through the outbox like any mail.
import crypto from 'node:crypto';
import type { AppContext } from '../../context.ts';
import { renderEmail } from '../../send/render.ts';
import { buildStaffMail } from '../../send/customer-reply.ts';
import { audit } from '../../store/audit.ts';
import type { Queryable } from '../../store/db.ts';
import { enqueueOutbound } from '../../store/outbox.ts';
import { sha256Hex } from '../../store/users.ts';
import { userByEmail } from './credentials.ts';

/** Sends a link when the address is an active user's; says nothing either way to the caller's visitor. */
export async function requestMagicLink(ctx: AppContext, email: string): Promise<boolean> {
  const user = await userByEmail(ctx.db, email);
  if (!user || !user.active) return false;
  const token = crypto.randomBytes(32).toString('base64url');
  const minutes = ctx.config.MAGIC_LINK_MINUTES;
  const link = `${ctx.config.PUBLIC_URL}/login/magic/${token}`;
  const mail = renderEmail('magic_link', { name: user.name, link, minutes });
  const outboundId = await ctx.db.tx(async (q) => {
    await q.query(`INSERT INTO magic_links (token_sha256, user_id, expires_at) VALUES ($1, $2, now() + make_interval(mins => $3))`, [sha256Hex(token), user.id, minutes]);
    const { row } = await enqueueOutbound(
      q,
      buildStaffMail(ctx.config, { kind: 'magic_link', consultationId: null, dedupKey: `magic_link:${sha256Hex(token)}`, to: user.email, subject: 'Your CaseConsultant sign-in link', body: mail }),
    );
    await audit(q, { userId: user.id, action: 'auth.magic_link_requested', detail: { outboundId: row.id } });
    return row.id;
  });
  await ctx.producers.add('send', { outboundId });
  return true;
}

/** Marks the link used and returns its user, or null when unknown, used or expired. */
export async function consumeMagicLink(q: Queryable, token: string): Promise<number | null> {
  const r = await q.query<{ user_id: number }>(
    `UPDATE magic_links l SET used_at = now() FROM users u
     WHERE l.token_sha256 = $1 AND l.used_at IS NULL AND l.expires_at > now() AND u.id = l.user_id AND u.active
     RETURNING l.user_id`,
    [sha256Hex(token)],
  );
  return r.rows[0]?.user_id ?? null;
}

/** The user a valid, unused link would sign in, without using it up; null otherwise. */
export async function magicLinkUser(q: Queryable, token: string): Promise<number | null> {
  const r = await q.query<{ user_id: number }>(
    `SELECT l.user_id FROM magic_links l JOIN users u ON u.id = l.user_id
     WHERE l.token_sha256 = $1 AND l.used_at IS NULL AND l.expires_at > now() AND u.active`,
    [sha256Hex(token)],
  );
  return r.rows[0]?.user_id ?? null;
}
