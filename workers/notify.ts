// notify: tell the assigned reviewer, by email, that a consultation waits for them.
import type { AppContext } from '../src/context.ts';
import type { NotifyJob } from '../src/queue/contracts.ts';
import { renderEmail } from '../src/send/render.ts';
import { buildStaffMail } from '../src/send/customer-reply.ts';
import { formatTicketNo, getConsultation } from '../src/store/consultations.ts';
import { enqueueOutbound } from '../src/store/outbox.ts';
import { getUser } from '../src/store/users.ts';
import { consultationLink } from '../src/review/links.ts';

const LINK_TTL_HOURS = 72;

export async function handleNotify(ctx: AppContext, data: NotifyJob): Promise<string> {
  const [c, user] = await Promise.all([getConsultation(ctx.db, data.consultationId), getUser(ctx.db, data.userId)]);
  if (!c || !user?.active) return 'nobody';
  const ticket = formatTicketNo(c.ticket_no);
  const expires = new Date(Date.now() + LINK_TTL_HOURS * 3600_000);
  const mail = renderEmail('notify', {
    name: user.name,
    ticket,
    specialty: c.specialty ?? 'general',
    dueText: c.due_at ? `due ${new Date(c.due_at).toUTCString()}` : null,
    link: consultationLink(ctx.config, c.id, user.id, expires),
    expiresText: expires.toUTCString(),
  });
  // No subject text of the customer's: the notification leaves the review boundary.
  const { row } = await enqueueOutbound(
    ctx.db,
    buildStaffMail(ctx.config, {
      kind: 'notify',
      consultationId: c.id,
      dedupKey: `notify:${c.id}:${data.round}:${user.id}`,
      to: user.email,
      subject: `[${ticket}] assigned to you for review`,
      body: mail,
    }),
  );
  await ctx.producers.add('send', { outboundId: row.id });
  return 'notified';
}
