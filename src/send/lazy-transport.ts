// The mail transport, built on its first message: Nodemailer (and the OAuth2 token source it may
// need) is ~20 MB of a process's memory, and a poller or an ingest worker that never sends one
// should not hold it.
import type { MailTransport } from './transport.ts';

export interface LazyTransport extends MailTransport {
  /** Builds it now: a process that runs the send queue pays the loading at start, not on a first send. */
  warm(): Promise<void>;
}

export function lazyTransport(kind: MailTransport['kind'], build: () => Promise<MailTransport>): LazyTransport {
  let built: Promise<MailTransport> | null = null;
  // A failed build is not kept: the next message tries again.
  const get = () =>
    (built ??= build().catch((err) => {
      built = null;
      throw err;
    }));
  return {
    kind,
    send: (message) => get().then((t) => t.send(message)),
    warm: () => get().then(() => {}),
    close() {
      built?.then((t) => t.close()).catch(() => {});
    },
  };
}

/** Builds a lazy transport now; any other transport is built already. */
export async function warmTransport(t: MailTransport): Promise<void> {
  if ('warm' in t && typeof t.warm === 'function') await (t as LazyTransport).warm();
}
