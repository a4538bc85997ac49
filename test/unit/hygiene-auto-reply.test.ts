import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { AUTO_HEADERS, autoReplyDecision } from '../../src/send/auto-reply.ts';
import { autoReplyReason } from '../../src/mail/classify.ts';
import type { InboundMessage } from '../../src/mail/types.ts';

test('autoReplyDecision: one of a kind per address per period', () => {
  const now = new Date('2026-02-10T12:00:00Z');
  const ago = (min: number) => new Date(now.getTime() - min * 60_000);
  const cases: [string, Date | null, number, 'send' | 'suppress'][] = [
    ['never sent', null, 60, 'send'],
    ['sent 1 min ago', ago(1), 60, 'suppress'],
    ['sent 59 min ago', ago(59), 60, 'suppress'],
    ['sent exactly 60 min ago', ago(60), 60, 'send'],
    ['sent 2 h ago', ago(120), 60, 'send'],
    ['limit off', ago(0), 0, 'send'],
    ['clock skew: last in the future', new Date(now.getTime() + 5000), 60, 'suppress'],
  ];
  for (const [name, last, interval, want] of cases) assert.equal(autoReplyDecision(last, now, interval), want, name);
});

test('our automatic headers make our own classifier (and so other robots) see the mail as automatic', () => {
  const headers: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(AUTO_HEADERS)) headers[k.toLowerCase()] = [v];
  const msg = { headers, subject: 'Re: [CC-000001] question', from: { address: 'consult@x.example', name: '' } } as unknown as InboundMessage;
  assert.equal(autoReplyReason(msg), 'auto-submitted');
  assert.equal(AUTO_HEADERS.Precedence, 'bulk');
  assert.equal(AUTO_HEADERS['X-Auto-Response-Suppress'], 'All');
});
