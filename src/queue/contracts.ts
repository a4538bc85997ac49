// Queue names and job contracts. Job data carries ids only: no email text, no PHI in Redis.
import { z } from 'zod';

export const QueueNames = {
  ingest: 'ingest',
  draft: 'draft',
  notify: 'notify',
  send: 'send',
  sweep: 'sweep',
} as const;
export type QueueName = (typeof QueueNames)[keyof typeof QueueNames];

export const ingestJob = z.object({ inboundId: z.number().int().positive() }).strict();
export const draftJob = z.object({ consultationId: z.number().int().positive(), round: z.number().int().positive() }).strict();
export const notifyJob = z
  .object({ consultationId: z.number().int().positive(), userId: z.number().int().positive(), round: z.number().int().positive() })
  .strict();
export const sendJob = z.object({ outboundId: z.number().int().positive() }).strict();
export const sweepJob = z.object({}).strict();

export type IngestJob = z.infer<typeof ingestJob>;
export type DraftJob = z.infer<typeof draftJob>;
export type NotifyJob = z.infer<typeof notifyJob>;
export type SendJob = z.infer<typeof sendJob>;
export type SweepJob = z.infer<typeof sweepJob>;

export const contracts = {
  ingest: ingestJob,
  draft: draftJob,
  notify: notifyJob,
  send: sendJob,
  sweep: sweepJob,
} satisfies Record<QueueName, z.ZodType>;

export interface JobDataOf {
  ingest: IngestJob;
  draft: DraftJob;
  notify: NotifyJob;
  send: SendJob;
  sweep: SweepJob;
}

/**
 * Deterministic job ids, so a re-enqueue of the same work is a no-op while the job is kept.
 * BullMQ forbids ':' and all-digit ids.
 */
export const jobIds = {
  ingest: (d: IngestJob) => `in-${d.inboundId}`,
  draft: (d: DraftJob) => `dr-${d.consultationId}-r${d.round}`,
  notify: (d: NotifyJob) => `nt-${d.consultationId}-r${d.round}-u${d.userId}`,
  send: (d: SendJob) => `out-${d.outboundId}`,
  // The scheduler names its own ids; a manual sweep gets a fresh one.
  sweep: () => `sweep-${Date.now()}`,
} satisfies { [K in QueueName]: (d: JobDataOf[K]) => string };
