// Exactly one poller per mailbox, with failover: a lease in Redis. The well-known pattern: SET NX PX
// takes it, with a fencing token from an INCR that only grows; renewing and releasing check that the
// value is still ours (one small Lua script each, so check and act are one step); the token is
// checked again by the database whenever the cursor moves (store/cursors.ts), so a holder that lost
// the lease without knowing (paused past its TTL, cut off from Redis) cannot move the cursor. Neither
// BullMQ (no leases) nor redlock (no fencing token) fits; this is the few lines they would wrap.
import os from 'node:os';
import crypto from 'node:crypto';
import type { Redis } from 'ioredis';

const ACQUIRE = `if redis.call('exists', KEYS[1]) == 1 then return 0 end
local f = redis.call('incr', KEYS[2])
redis.call('set', KEYS[1], f .. '|' .. ARGV[1], 'PX', ARGV[2])
return f`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0`;

export interface LeaseHolder {
  holder: string;
  fence: number;
  expiresInMs: number;
}

/** Names this process among pollers: host, pid and a random part (a restarted pid is a new holder). */
export const newHolderId = () => `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;

export class MailboxLeases {
  private readonly redis: () => Promise<Redis>;
  /** QUEUE_PREFIX:<installation>: one database's pollers share leases, another's never meet them. */
  private readonly prefix: string;
  readonly holder: string;
  readonly ttlMs: number;

  constructor(redis: () => Promise<Redis>, prefix: string, holder: string, ttlMs: number) {
    this.redis = redis;
    this.prefix = prefix;
    this.holder = holder;
    this.ttlMs = ttlMs;
  }

  private keys(mailbox: string): [string, string] {
    return [`${this.prefix}:lease:mailbox:${mailbox}`, `${this.prefix}:lease:fence:${mailbox}`];
  }

  /** The lease's fencing token when we took it, null when another poller holds it. */
  async acquire(mailbox: string): Promise<number | null> {
    const r = await (await this.redis()).eval(ACQUIRE, 2, ...this.keys(mailbox), this.holder, this.ttlMs);
    return Number(r) > 0 ? Number(r) : null;
  }

  /** Extends our lease; false when it is no longer ours (expired, taken over). */
  async renew(mailbox: string, fence: number): Promise<boolean> {
    const [key] = this.keys(mailbox);
    return Number(await (await this.redis()).eval(RENEW, 1, key, `${fence}|${this.holder}`, this.ttlMs)) === 1;
  }

  async release(mailbox: string, fence: number): Promise<void> {
    const [key] = this.keys(mailbox);
    await (await this.redis()).eval(RELEASE, 1, key, `${fence}|${this.holder}`);
  }

  /** Who holds a mailbox now (null: nobody). */
  async holderOf(mailbox: string): Promise<LeaseHolder | null> {
    const [key] = this.keys(mailbox);
    const redis = await this.redis();
    const [value, ttl] = await Promise.all([redis.get(key), redis.pttl(key)]);
    return parseLeaseValue(value, ttl);
  }
}

/** `fence|holder` as stored, with its remaining time. Pure. */
export function parseLeaseValue(value: string | null, pttl: number): LeaseHolder | null {
  if (!value) return null;
  const bar = value.indexOf('|');
  const fence = Number(value.slice(0, bar));
  if (bar < 1 || !Number.isInteger(fence)) return null;
  return { fence, holder: value.slice(bar + 1), expiresInMs: Math.max(0, pttl) };
}
