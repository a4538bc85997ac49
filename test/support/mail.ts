// A plain email as the tests need it: one text part (or the given Content-Type), CRLF line ends.
export interface TestMail {
  from: string;
  /** Defaults to the consultant's mailbox every test uses. */
  to?: string;
  subject: string;
  body: string;
  messageId: string;
  headers?: string[];
  contentType?: string;
}

export function mail(o: TestMail): string {
  return [
    `From: ${o.from}`,
    `To: ${o.to ?? 'consult@example.test'}`,
    `Subject: ${o.subject}`,
    `Message-ID: ${o.messageId}`,
    `Date: ${new Date().toUTCString()}`,
    ...(o.headers ?? []),
    'MIME-Version: 1.0',
    `Content-Type: ${o.contentType ?? 'text/plain; charset=utf-8'}`,
    '',
    o.body,
    '',
  ].join('\r\n');
}

/** The authserv-id the tests' receiving server stamps its results with (AUTHSERV_ID). */
export const TEST_AUTHSERV_ID = 'mx.example.test';

/**
 * The Authentication-Results header our receiving server adds to mail whose domain passed DMARC, as
 * production mail arrives; with AUTHSERV_ID set, ingest counts such a sender against its account.
 */
export const dmarcPass = (domain: string) => `Authentication-Results: ${TEST_AUTHSERV_ID}; dkim=pass header.d=${domain}; dmarc=pass header.from=${domain}`;
