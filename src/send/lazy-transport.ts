// The mail transport, built on its first message: Nodemailer (and the OAuth2 token source it may
// need) is ~20 MB of a process's memory, and a poller or an ingest worker that never sends one
// should not hold it.
import type { MailTransport } from './transport.ts';

export function lazyTransport(kind: MailTransport['kind'], build: () => Promise<MailTransport>): MailTransport {
  let built: Promise<MailTransport> | null = null;
  return {
    kind,
    send(message) {
      // A failed build is not kept: the next message tries again.
      built ??= build().catch((err) => {
        built = null;
        throw err;
      });
      return built.then((t) => t.send(message));
    },
    close() {
      built?.then((t) => t.close()).catch(() => {});
    },
  };
}
