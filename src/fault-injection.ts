// Fault injection for the crash-safety tests, and nothing else: each fault is off unless its
// variable is set (FAULT_* in config.ts), and each is named after the place it strikes, so the send
// logic only says where a fault may happen, not how.
import type { Config } from './config.ts';

/**
 * Dies (SIGKILL, no cleanup) with probability FAULT_KILL_AFTER_SMTP_ACCEPT: called after the SMTP
 * server accepted a message and before the outbox commit, the worst place, so the retry must
 * reconcile with the Sent folder instead of sending again.
 */
export function faultAfterSmtpAccept(config: Pick<Config, 'FAULT_KILL_AFTER_SMTP_ACCEPT'>): void {
  const p = config.FAULT_KILL_AFTER_SMTP_ACCEPT;
  if (p > 0 && Math.random() < p) process.kill(process.pid, 'SIGKILL');
}
