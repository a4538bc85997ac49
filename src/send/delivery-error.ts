// Decides whether a failed send may be retried. Nodemailer never retries by itself.

export type DeliveryVerdict = 'permanent' | 'transient' | 'ambiguous';

interface SmtpLikeError {
  code?: string;
  responseCode?: number;
  command?: string;
}

/**
 * permanent: the server refused for good (5xx) or the message is invalid; retrying cannot help.
 * transient: refused for now (4xx) or never connected; retrying is safe, nothing was accepted.
 * ambiguous: the connection broke after DATA was sent; the server may have accepted it, so a retry
 * must first look for the message (reconcile) instead of sending again.
 */
export function classifyDeliveryError(err: SmtpLikeError): DeliveryVerdict {
  // Sign-in refused (535) or no token to sign in with: our credential's fault, not the message's. It
  // is retried with backoff (a refreshed token, a fixed password) and nothing was accepted.
  if (err.code === 'EAUTH' || err.code === 'EOAUTH2' || (err.command ?? '').toUpperCase().startsWith('AUTH')) return 'transient';
  const rc = err.responseCode;
  if (typeof rc === 'number') {
    if (rc >= 500) return 'permanent';
    if (rc >= 400) return 'transient';
  }
  if (err.code === 'EENVELOPE' || err.code === 'EMESSAGE') return 'permanent';
  const cmd = (err.command ?? '').toUpperCase();
  if ((err.code === 'ETIMEDOUT' || err.code === 'ECONNECTION' || err.code === 'ESOCKET') && (cmd === 'DATA' || cmd.startsWith('DATA') || cmd === 'DATA END')) {
    return 'ambiguous';
  }
  return 'transient';
}
