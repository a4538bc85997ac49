// A test domain's DKIM key pair, its DNS record, and mail signed with it (mailauth's signer).
import crypto from 'node:crypto';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';

export interface DkimDomain {
  domain: string;
  selector: string;
  /** The DNS TXT record name and value that publish the public key. */
  record: [name: string, value: string];
  sign(raw: string): Promise<string>;
}

export function dkimDomain(domain: string, selector = 'test'): DkimDomain {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const pub = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return {
    domain,
    selector,
    record: [`${selector}._domainkey.${domain}`, `v=DKIM1; k=rsa; p=${pub}`],
    async sign(raw) {
      const r = await dkimSign(raw, { signatureData: [{ signingDomain: domain, selector, privateKey: pem }] });
      if (r.errors?.length) throw new Error(`dkim signing failed: ${r.errors[0].message ?? r.errors[0]}`);
      return r.signatures + raw;
    },
  };
}
