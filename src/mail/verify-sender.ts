// Sender verification at ingest: our own server's Authentication-Results when it stamped the message
// (AUTHSERV_ID), else mailauth's DKIM and DMARC checks with DNS lookups (SENDER_AUTH=verify). SPF is
// not checked here: IMAP hands us no connecting IP, and Received lines below our own are the
// sender's to write; SPF counts only when our server reports it.
import dns from 'node:dns';
import type { DnsResolver } from 'mailauth';
import { dmarc } from 'mailauth/lib/dmarc/index.js';
import type { Config } from '../config.ts';
import { fromAuthservHeader, fromMailauth, UNVERIFIED, type SenderAuth } from './sender-auth.ts';
import type { InboundMessage } from './types.ts';

const CACHE_MS = 5 * 60_000;
/**
 * A sender's DNS can answer slowly on purpose, and every DKIM signature means a lookup and a body
 * hash: verification gives up after this long (the message is then unverified, never "forged"), and
 * mail with more signatures than real mail carries is not verified at all.
 */
export const VERIFY_DEADLINE_MS = 3000;
export const MAX_DKIM_SIGNATURES = 5;
const CACHE_MAX = 10_000;
/** Answers that will not change within the cache period: cached like records. */
const SETTLED = new Set(['ENOTFOUND', 'ENODATA']);

/**
 * A DNS resolver with the dns.promises.resolve signature, over DNS_SERVERS (or the system's), with
 * short timeouts, so an unreachable DNS server costs a message seconds, not minutes, and a cache, so
 * a burst from one domain asks once.
 */
export function cachedResolver(servers: string[]): DnsResolver {
  const resolver = new dns.promises.Resolver({ timeout: 2000, tries: 2 });
  if (servers.length) resolver.setServers(servers);
  const cache = new Map<string, { at: number; value: Promise<unknown> }>();
  return (name, rrtype) => {
    const key = `${rrtype} ${name.toLowerCase()}`;
    const hit = cache.get(key);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
    if (cache.size >= CACHE_MAX) cache.clear();
    const value = resolver.resolve(name, rrtype as 'TXT');
    const entry = { at: Date.now(), value };
    cache.set(key, entry);
    value.catch((err: NodeJS.ErrnoException) => {
      if (!SETTLED.has(err.code ?? '') && cache.get(key) === entry) cache.delete(key);
    });
    return value;
  };
}

let shared: { servers: string; resolver: DnsResolver } | null = null;
function resolverFor(config: Pick<Config, 'DNS_SERVERS'>): DnsResolver {
  const servers = config.DNS_SERVERS.join(',');
  if (!shared || shared.servers !== servers) shared = { servers, resolver: cachedResolver(config.DNS_SERVERS) };
  return shared.resolver;
}

/**
 * What vouches for this human message's From domain. Never throws: a failed check is "unverified".
 * dkim 'when-enforcing': DKIM signatures (~2 ms of CPU a message) are checked now only when the
 * domain's DMARC policy makes a failure a forgery; otherwise the verdict comes back `deferred`, to be
 * completed (dkim 'always') only for senders who claim an account, the only ones it changes.
 */
export async function verifySender(
  config: Pick<Config, 'AUTHSERV_ID' | 'SENDER_AUTH' | 'DNS_SERVERS' | 'MESSAGE_ID_DOMAIN'>,
  raw: Buffer,
  msg: InboundMessage,
  opts: { dkim: 'always' | 'when-enforcing' } = { dkim: 'always' },
): Promise<SenderAuth> {
  const fromDomain = msg.from?.address.split('@')[1] ?? '';
  if (!fromDomain) return UNVERIFIED;
  if (config.AUTHSERV_ID) {
    const ours = fromAuthservHeader(msg.headers['authentication-results'] ?? [], config.AUTHSERV_ID, fromDomain);
    if (ours) return ours;
  }
  if (config.SENDER_AUTH !== 'verify') return { ...UNVERIFIED, evidence: 'no Authentication-Results from AUTHSERV_ID' };
  const signatures = msg.headers['dkim-signature']?.length ?? 0;
  if (signatures > MAX_DKIM_SIGNATURES) return { ...UNVERIFIED, evidence: `not verified: ${signatures} DKIM signatures` };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<SenderAuth>((resolve) => {
    timer = setTimeout(() => resolve({ ...UNVERIFIED, evidence: `not verified: no answer within ${VERIFY_DEADLINE_MS} ms` }), VERIFY_DEADLINE_MS);
  });
  try {
    return await Promise.race([verifyWithMailauth(config, raw, fromDomain, signatures > 0, opts.dkim === 'always'), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function verifyWithMailauth(
  config: Pick<Config, 'DNS_SERVERS' | 'MESSAGE_ID_DOMAIN'>,
  raw: Buffer,
  fromDomain: string,
  signed: boolean,
  dkimNow: boolean,
): Promise<SenderAuth> {
  try {
    const resolver = resolverFor(config);
    // Unsigned mail has no DKIM to verify: only its domain's DMARC policy is looked up, without
    // reading the whole message (mailauth's full pass costs ~100 ms per 200 KB).
    if (!signed) return await unsignedVerdict(fromDomain, resolver);
    if (!dkimNow) {
      const policy = await unsignedVerdict(fromDomain, resolver);
      // A policy the DNS could not tell (temperror: a lookup timed out or failed) may be enforcing,
      // so DKIM is checked now, within the same deadline, rather than deferred. mailauth 7 ends its
      // DMARC walk at the first DNS error, so this verdict can arrive before the deadline does.
      if (!policy.enforcing && !policy.evidence.includes('dmarc=temperror')) {
        return { ...UNVERIFIED, evidence: 'DKIM not checked: no account claimed', deferred: true };
      }
    }
    // mailauth's whole pipeline (DKIM, ARC, BIMI, SPF modules: ~6 MB per process) loads on the first
    // message whose DKIM is checked; unsigned mail needs only the DMARC module above.
    const { authenticate } = await import('mailauth');
    const r = await authenticate(raw, { resolver, mta: config.MESSAGE_ID_DOMAIN, disableArc: true, disableBimi: true });
    return fromMailauth(r, fromDomain);
  } catch (err) {
    return { ...UNVERIFIED, evidence: `mailauth error: ${(err as Error).message}`.slice(0, 200) };
  }
}

// Unsigned mail's verdict depends on nothing but its domain's DMARC record, so it is kept per domain
// for as long as DNS answers are: a burst from one domain evaluates DMARC once.
const unsigned = new Map<string, { at: number; verdict: Promise<SenderAuth> }>();
function unsignedVerdict(domain: string, resolver: DnsResolver): Promise<SenderAuth> {
  const hit = unsigned.get(domain);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.verdict;
  if (unsigned.size >= CACHE_MAX) unsigned.clear();
  const verdict = dmarc({ headerFrom: `postmaster@${domain}`, spfDomains: [], dkimDomains: [], resolver }).then((d) =>
    fromMailauth({ dkim: { results: [] }, spf: false, dmarc: d }, domain),
  );
  const entry = { at: Date.now(), verdict };
  unsigned.set(domain, entry);
  // A DNS failure (temperror) is asked again next time rather than kept.
  verdict.then(
    (v) => v.evidence.includes('temperror') && unsigned.get(domain) === entry && unsigned.delete(domain),
    () => unsigned.get(domain) === entry && unsigned.delete(domain),
  );
  return verdict;
}
