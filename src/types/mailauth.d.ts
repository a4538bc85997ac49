// The parts of mailauth (CommonJS) this project uses. mailauth 7 bundles types for its main entry, but
// not for lib/tools.js and lib/dmarc, which sender verification also calls; this ambient declaration
// shadows the bundled one so the three share one narrow AuthResult (the unit tests build partial ones).
declare module 'mailauth' {
  export type DnsResolver = (name: string, rrtype: string) => Promise<unknown>;
  export interface DkimRow {
    signingDomain?: string;
    status: { result: string; aligned?: string | false; comment?: string };
  }
  export interface AuthResult {
    dkim: { results?: DkimRow[]; headerFrom?: string[] };
    spf: { status: { result: string }; domain?: string } | false;
    dmarc: { status: { result: string; header?: { from?: string } }; policy?: string; p?: string; domain?: string } | false;
  }
  export function authenticate(
    input: Buffer | string,
    opts: {
      resolver?: DnsResolver;
      mta?: string;
      ip?: string;
      sender?: string;
      helo?: string;
      trustReceived?: boolean;
      disableArc?: boolean;
      disableBimi?: boolean;
      minBitLength?: number;
    },
  ): Promise<AuthResult>;
}

declare module 'mailauth/lib/tools.js' {
  /** The entry of domainList aligned with fromDomain (relaxed: same organizational domain), or false. */
  export function getAlignment(fromDomain: string, domainList: string[], strict?: boolean): { domain: string } | false;
}

declare module 'mailauth/lib/dmarc/index.js' {
  import type { AuthResult, DnsResolver } from 'mailauth';
  export function dmarc(opts: {
    headerFrom: string;
    spfDomains: string[];
    dkimDomains: { domain: string; aligned?: string | false }[];
    resolver?: DnsResolver;
  }): Promise<AuthResult['dmarc']>;
}
