// Longest event-loop block while `fn` runs, in ms, by perf_hooks.monitorEventLoopDelay: a synchronous
// scan shows as the delay of the timer it held up, an async one (mailparser) as its longest slice.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export async function maxLoopDelay<T>(fn: () => T | Promise<T>): Promise<{ result: T; maxMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  await sleep(15);
  const result = await fn();
  // let the held-up timer fire so the histogram sees the block
  await sleep(15);
  h.disable();
  return { result, maxMs: h.max / 1e6 };
}

/**
 * The bound a hostile message's stage must stay under, from a normal message's figure measured in
 * the same run: 100 ms on an idle machine, scaled by how slow this (shared, loaded) machine is now.
 */
export function delayBound(normalMs: number): number {
  return Math.max(150, 20 * normalMs);
}
