// Random bytes for per-message ids, reply tokens and IVs, drawn from a pool the CSPRNG refills 4 KB
// at a time: one kernel call per few hundred messages rather than three per message, which made
// these few bytes ~2% of ingest's CPU. Each refill is a new buffer, so no byte is handed out twice.
import crypto from 'node:crypto';

const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let at = 0;

export function randomBytes(n: number): Buffer {
  if (n > POOL_BYTES / 8) return crypto.randomBytes(n);
  if (at + n > pool.length) {
    pool = crypto.randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
    at = 0;
  }
  const out = pool.subarray(at, at + n);
  at += n;
  return out;
}
