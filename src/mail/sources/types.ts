// What every mailbox source (IMAP, Maildir) gives its owner: a way to stop it.
export interface MailSource {
  stop(): Promise<void>;
}
