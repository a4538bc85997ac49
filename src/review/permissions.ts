// Who may do what to a consultation, for the JSON API and the console alike: the actions enforce it
// (requirePermission) and the console shows only the buttons it allows (permissionsFor).
import { AppError, ErrorCodes } from '../errors.ts';
import { REVIEWABLE_STATUSES, statusIn, type ConsultationStatus } from '../store/consultation-status.ts';

export type ReviewAction = 'claim' | 'edit' | 'approve' | 'requestInfo' | 'reassign' | 'reject';

export interface Actor {
  id: number;
  role: string;
}

export interface Subject {
  status: string;
  assignee_id: number | null;
}

interface Rule {
  states: readonly ConsultationStatus[];
  /** Words for the errors: "cannot <verb> a consultation in status …", "only the assigned reviewer can <owner>". */
  verb: string;
  owner: string;
  /** Only leads and admins (checked before the state). */
  leadOnly?: boolean;
  /** Must be the assignee, or the consultation unassigned; leads too unless leadOverrides. */
  assigneeOnly?: boolean;
  leadOverrides?: boolean;
  /** A reviewer cannot take a consultation assigned to someone else. */
  claimRule?: boolean;
}

/**
 * Only the assignee sends or changes what is sent; an unassigned consultation goes to whoever acts
 * first. A lead who wants to answer someone else's consultation reassigns it first, so there is
 * always one owner and the audit log says who it was.
 */
const RULES: Record<ReviewAction, Rule> = {
  claim: { states: REVIEWABLE_STATUSES, verb: 'claim', owner: 'claim', claimRule: true },
  edit: { states: ['awaiting_review'], verb: 'edit the draft of', owner: 'edit the draft', assigneeOnly: true },
  approve: { states: ['awaiting_review'], verb: 'approve', owner: 'approve and send', assigneeOnly: true },
  requestInfo: { states: ['awaiting_review'], verb: 'request information on', owner: 'request information', assigneeOnly: true },
  reassign: { states: REVIEWABLE_STATUSES, verb: 'reassign', owner: 'reassign', leadOnly: true },
  reject: { states: REVIEWABLE_STATUSES, verb: 'reject', owner: 'reject', assigneeOnly: true, leadOverrides: true },
};

export const isLead = (user: Actor) => user.role === 'lead' || user.role === 'admin';

/** Why the actor may not do this now, or null when they may. */
export function denial(action: ReviewAction, c: Subject, user: Actor): AppError | null {
  const rule = RULES[action];
  if (rule.leadOnly && !isLead(user)) return new AppError(ErrorCodes.FORBIDDEN, `only a lead or an admin can ${rule.owner}`);
  if (!statusIn(c.status, rule.states)) return new AppError(ErrorCodes.WRONG_STATE, `cannot ${rule.verb} a consultation in status ${c.status}`);
  if (rule.claimRule && c.assignee_id !== null && c.assignee_id !== user.id && user.role === 'reviewer') {
    return new AppError(ErrorCodes.FORBIDDEN, 'already assigned to another reviewer; ask a lead to reassign');
  }
  if (rule.assigneeOnly && !(rule.leadOverrides && isLead(user)) && c.assignee_id !== null && c.assignee_id !== user.id) {
    return new AppError(ErrorCodes.FORBIDDEN, `only the assigned reviewer can ${rule.owner}; claim or reassign it first`);
  }
  return null;
}

export function requirePermission(action: ReviewAction, c: Subject, user: Actor): void {
  const why = denial(action, c, user);
  if (why) throw why;
}

/** The console's buttons. Claim is not offered to the one already holding the consultation. */
export function permissionsFor(c: Subject, user: Actor): Record<ReviewAction, boolean> {
  const may = (a: ReviewAction) => denial(a, c, user) === null;
  return {
    claim: may('claim') && c.assignee_id !== user.id && (c.assignee_id === null || isLead(user)),
    edit: may('edit'),
    approve: may('approve'),
    requestInfo: may('requestInfo'),
    reassign: may('reassign'),
    reject: may('reject'),
  };
}
