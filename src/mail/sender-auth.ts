// Is the From address's domain vouched for? Pure: the evidence comes from mailauth's verification at
// ingest (DKIM signatures and DMARC, looked up in DNS) or from an Authentication-Results header that
// our own receiving server (AUTHSERV_ID) stamped, which alone can carry SPF: IMAP gives us no
// connecting IP. A sender counts against an account only when its mail is authenticated.
import { getAlignment } from 'mailauth/lib/tools.js';
import type { AuthResult } from 'mailauth';

export interface SenderAuth {
  /** DMARC passed, or (no DMARC record) a DKIM signature aligned with the From domain verified. */
  authenticated: boolean;
  /** DMARC failed for a domain that asks receivers to reject or quarantine such mail: a forgery. */
  forged: boolean;
  /** Where the verdict came from and what it was, for the audit log: e.g. "mailauth dmarc=pass". */
  evidence: string;
  /** The domain publishes DMARC p=reject or p=quarantine. */
  enforcing?: boolean;
  /** DKIM signatures not checked yet: they matter only when the sender claims an account. */
  deferred?: boolean;
}

export const UNVERIFIED: SenderAuth = { authenticated: false, forged: false, evidence: 'none' };

const ENFORCING = new Set(['reject', 'quarantine']);

/** mailauth's result for a message whose From domain is fromDomain. */
export function fromMailauth(r: AuthResult, fromDomain: string): SenderAuth {
  const dmarc = r.dmarc ? r.dmarc.status.result : 'none';
  const alignedDkim = (r.dkim.results ?? []).some((d) => d.status.result === 'pass' && !!d.signingDomain && !!getAlignment(fromDomain, [d.signingDomain]));
  const policy = r.dmarc ? (r.dmarc.policy ?? r.dmarc.p ?? 'none') : 'none';
  return {
    authenticated: dmarc === 'pass' || (dmarc === 'none' && alignedDkim),
    forged: dmarc === 'fail' && ENFORCING.has(policy),
    enforcing: ENFORCING.has(policy),
    evidence: `mailauth dmarc=${dmarc}${r.dmarc ? ` p=${policy}` : ''} dkim=${alignedDkim ? 'aligned-pass' : 'no-aligned-pass'}`,
  };
}

interface ArResult {
  method: string;
  result: string;
  props: Map<string, string>;
}

/** The results of one Authentication-Results value, after its authserv-id: "dkim=pass header.d=x". */
function parseResults(value: string): { id: string; results: ArResult[] } {
  const parts = value.replace(/\([^()]*\)/g, ' ').split(';');
  const id = (parts[0] ?? '').trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  const results: ArResult[] = [];
  for (const part of parts.slice(1)) {
    const tokens = part.trim().split(/\s+/).filter(Boolean);
    const first = tokens[0]?.split('=');
    if (first?.length !== 2) continue;
    const props = new Map<string, string>();
    for (const t of tokens.slice(1)) {
      const eq = t.indexOf('=');
      if (eq > 0)
        props.set(
          t.slice(0, eq).toLowerCase(),
          t
            .slice(eq + 1)
            .replace(/^"|"$/g, '')
            .toLowerCase(),
        );
    }
    results.push({ method: first[0].toLowerCase(), result: first[1].toLowerCase(), props });
  }
  return { id, results };
}

const domainOf = (v: string | undefined) => (v ? (v.includes('@') ? v.slice(v.lastIndexOf('@') + 1) : v).toLowerCase() : '');

/**
 * The topmost Authentication-Results header stamped by our own server (authservId), as a verdict, or
 * null when there is none. Only the topmost counts: our server prepends its own, and a sender can
 * write any header below it (the server should also remove ones carrying its id, RFC 8601 §5).
 */
export function fromAuthservHeader(values: string[], authservId: string, fromDomain: string): SenderAuth | null {
  const ours = authservId.trim().toLowerCase();
  if (!ours) return null;
  const header = values.map(parseResults).find((h) => h.id === ours);
  if (!header) return null;
  const aligned = (d: string) => !!d && !!getAlignment(fromDomain, [d]);
  const dmarc = header.results.find((r) => r.method === 'dmarc');
  const dmarcPass = dmarc?.result === 'pass' && (!dmarc.props.get('header.from') || aligned(dmarc.props.get('header.from')!));
  const dkimPass = header.results.some(
    (r) => r.method === 'dkim' && r.result === 'pass' && aligned(domainOf(r.props.get('header.d') ?? r.props.get('header.i'))),
  );
  const spfPass = header.results.some((r) => r.method === 'spf' && r.result === 'pass' && aligned(domainOf(r.props.get('smtp.mailfrom'))));
  const dmarcResult = dmarc?.result ?? 'none';
  return {
    // Without a DMARC verdict, an aligned DKIM or SPF pass from our own server vouches for the domain.
    authenticated: dmarcPass || (!dmarc && (dkimPass || spfPass)) || (dmarcResult === 'none' && (dkimPass || spfPass)),
    // Our server said dmarc=fail: held, as before, whatever the policy (the server applied it already).
    forged: dmarcResult === 'fail',
    evidence: `${ours} dmarc=${dmarcResult} dkim=${dkimPass ? 'aligned-pass' : 'no-aligned-pass'} spf=${spfPass ? 'aligned-pass' : 'no-aligned-pass'}`,
  };
}
