// The parsed, normalized shape of one inbound email, and what classification says of it.
// Built from mailparser output by src/mail/parse.ts; everything downstream is pure over these types.

export interface Address {
  address: string;
  name: string;
}

export interface InboundAttachment {
  filename: string | null;
  contentType: string;
  size: number;
  /** Decoded text for text/* and message/* parts (capped), else null. */
  text: string | null;
}

export interface InboundMessage {
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  /** NUL and control characters removed. */
  subject: string;
  /** Null when From is missing or yields no valid address. */
  from: Address | null;
  replyTo: Address[];
  to: Address[];
  cc: Address[];
  /** Null when missing or absurd (in the future beyond a small skew). */
  date: Date | null;
  /** Lower-case header name -> every value as text. */
  headers: Record<string, string[]>;
  /** The whole body as text: text/plain, or the HTML converted to text. */
  text: string;
  html: string | null;
  /** True when `text` was produced from `html` (the message had no text/plain part). */
  textFromHtml?: boolean;
  attachments: InboundAttachment[];
  rawSize: number;
  contentType: string;
}

export type MessageKind = 'question' | 'follow_up' | 'auto_reply' | 'bounce' | 'feedback' | 'loop' | 'rejected';

export interface BounceRecipient {
  address: string | null;
  action: 'failed' | 'delayed' | 'delivered' | 'relayed' | 'expanded' | 'unknown';
  status: string | null;
  diagnostic: string | null;
}

export interface BounceInfo {
  /** failed = permanent, delayed = temporary, delivered = no failure. */
  outcome: 'failed' | 'delayed' | 'delivered';
  recipients: BounceRecipient[];
  /** Message-ID of the message that bounced, from the enclosed original, if any. */
  originalMessageId: string | null;
  /** Token from a VERP return path (bounces+TOKEN@domain), if any. */
  verpToken: string | null;
}

export interface Classification {
  kind: MessageKind;
  /** True for anything a machine sent: never answered. */
  machine: boolean;
  /** Short code saying why, e.g. 'auto-submitted', 'precedence-bulk', 'dsn', 'no-sender'. */
  reason: string;
  bounce: BounceInfo | null;
}

export interface ClassifyContext {
  /** Our own addresses (mailbox, MAIL_FROM): mail from them is a loop. */
  ownAddresses: string[];
  /** Domain of the Message-IDs we generate: mail carrying one in Message-ID is a loop. */
  ownMessageIdDomain: string;
  maxRecipients: number;
  maxBytes: number;
  /** Our receiving server's authserv-id; Authentication-Results from others are ignored. */
  authservId: string | null;
}

export type PhiKind = 'name' | 'date' | 'mrn' | 'ssn' | 'phone' | 'fax' | 'email' | 'address' | 'account' | 'url' | 'ip';

export interface PhiSpan {
  start: number;
  end: number;
  kind: PhiKind;
}

export interface PhiResult {
  detected: boolean;
  kinds: PhiKind[];
  spans: PhiSpan[];
  /** The text with every span replaced by a marker like [PHI:mrn]. */
  masked: string;
}
