// "Send this?": before an answer goes out, the reviewer sees exactly what the customer will receive
// (the HTML part as a mail client shows it, the plain-text part, To and Subject) and sends that
// version, and only that version, from there.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { AppError, ErrorCodes } from '../../errors.ts';
import { renderEmail } from '../../send/render.ts';
import { replySubject } from '../../send/threading-headers.ts';
import { formatTicketNo, getConsultation, type ConsultationRow } from '../../store/consultations.ts';
import { currentDraft, type DraftRow } from '../../store/drafts.ts';
import type { UserRow } from '../../store/users.ts';
import { answerData, editDraft } from '../actions.ts';
import { routeId } from '../params.ts';
import { denial } from '../permissions.ts';
import { draftDiff } from './draft-diff.ts';
import { engineDraftText } from '../../store/console-queries.ts';
import { page, signedIn } from './state.ts';

/** The email is shown in a sandboxed frame: its inline styles need their own policy, and no script runs. */
const EMAIL_PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'; sandbox";

function idOf(req: FastifyRequest): number {
  const id = routeId(req.params);
  if (id === null) throw new AppError(ErrorCodes.CONSULTATION_NOT_FOUND, 'No such consultation.');
  return id;
}

/** The case and its current draft, when this user may send it now; else null (the page redirects). */
async function sendable(ctx: AppContext, user: UserRow, id: number): Promise<{ c: ConsultationRow; draft: DraftRow } | null> {
  const c = await getConsultation(ctx.db, id);
  if (!c) throw new AppError(ErrorCodes.CONSULTATION_NOT_FOUND, 'No such consultation.');
  if (denial('approve', c, user)) return null;
  const draft = await currentDraft(ctx.db, id, c.round);
  return draft ? { c, draft } : null;
}

export function registerConfirmRoutes(app: FastifyInstance, ctx: AppContext): void {
  // From the editor: keep what the reviewer typed as a new version (if it changed), then confirm it.
  app.post('/c/:id/confirm', async (req, reply) => {
    const user = signedIn(req);
    const id = idOf(req);
    const text = (req.body as Record<string, unknown> | undefined)?.text;
    if (typeof text === 'string' && text.trim()) {
      if (text.length > 100_000) throw new AppError(ErrorCodes.BAD_REQUEST, 'The draft text is too long.');
      const s = await sendable(ctx, user, id);
      // Not sendable by this user now: editDraft refuses with the reason (not the assignee, already sent).
      if (!s || s.draft.body_text !== text.trim()) await editDraft(ctx, user, id, text.trim());
    }
    return reply.redirect(`/c/${id}/confirm`, 303);
  });

  app.get('/c/:id/confirm', async (req, reply) => {
    const user = signedIn(req);
    const id = idOf(req);
    const s = await sendable(ctx, user, id);
    if (!s) return reply.redirect(`/c/${id}`, 303);
    const { c, draft } = s;
    const [mail, engine] = await Promise.all([
      answerData(ctx.db, c, user.id, draft.body_text).then((d) => renderEmail('answer', d)),
      draft.version > 1 ? engineDraftText(ctx.db, id, draft.round) : null,
    ]);
    const ticket = formatTicketNo(c.ticket_no);
    return page(ctx, req, reply, 'confirm', `Send ${ticket}?`, {
      nav: 'queue',
      id,
      ticket,
      draftId: draft.id,
      version: draft.version,
      to: c.from_name ? `${c.from_name} <${c.from_address}>` : c.from_address,
      from: ctx.config.MAIL_FROM,
      subject: replySubject(ticket, c.subject),
      text: mail.text,
      diff: engine !== null ? draftDiff(engine, draft.body_text) : null,
    });
  });

  // The HTML part itself, for the confirmation's frame (and for a reviewer who opens it in a tab).
  app.get('/c/:id/email.html', async (req, reply: FastifyReply) => {
    const user = signedIn(req);
    const id = idOf(req);
    const s = await sendable(ctx, user, id);
    const want = Number((req.query as Record<string, string> | undefined)?.draft);
    if (!s || (Number.isInteger(want) && want > 0 && want !== s.draft.id))
      throw new AppError(ErrorCodes.WRONG_STATE, 'This draft is no longer the one to send.');
    const mail = renderEmail('answer', await answerData(ctx.db, s.c, user.id, s.draft.body_text));
    return reply.header('content-security-policy', EMAIL_PREVIEW_CSP).header('x-frame-options', 'SAMEORIGIN').type('text/html; charset=utf-8').send(mail.html);
  });
}
