// The verdict when nothing vouches for a sender, apart from sender-auth.ts so that code returning it
// does not load mailauth (and its public-suffix list), which only SENDER_AUTH=verify and AUTHSERV_ID use.
import type { SenderAuth } from './sender-auth.ts';

export const UNVERIFIED: SenderAuth = { authenticated: false, forged: false, evidence: 'none' };
