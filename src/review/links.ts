// Signed, expiring links that open one consultation for one reviewer.
import crypto from 'node:crypto';
import type { Config } from '../config.ts';
import { secretKey } from '../secrets.ts';

function sign(config: Pick<Config, 'DATA_DIR'>, payload: string): string {
  return crypto.createHmac('sha256', secretKey(config)).update(payload).digest('base64url');
}

export function consultationLink(config: Pick<Config, 'DATA_DIR' | 'PUBLIC_URL'>, consultationId: number, userId: number, expires: Date): string {
  const exp = Math.floor(expires.getTime() / 1000);
  const sig = sign(config, `c:${consultationId}:u:${userId}:e:${exp}`);
  return `${config.PUBLIC_URL}/link/${consultationId}?u=${userId}&e=${exp}&s=${sig}`;
}

export function verifyConsultationLink(
  config: Pick<Config, 'DATA_DIR'>,
  p: { consultationId: number; userId: number; exp: number; sig: string },
  now = Date.now(),
): boolean {
  if (!Number.isFinite(p.exp) || p.exp * 1000 < now) return false;
  const expected = Buffer.from(sign(config, `c:${p.consultationId}:u:${p.userId}:e:${p.exp}`));
  const given = Buffer.from(p.sig);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}
