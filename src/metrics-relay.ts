// Worker and poller processes serve no HTTP, yet their counters and histograms (job durations, ingest
// lag, sends) belong on /metrics. Each such process publishes a snapshot of its registry to Redis
// every METRICS_PUBLISH_SECONDS; the web process merges the fresh ones into its own output, every
// series labelled with the process it came from, so one scrape sees the whole deployment and a
// restarted process shows up as a new series rather than as a counter going backwards.
import os from 'node:os';
import { AggregatorRegistry } from 'prom-client';
import type { AppContext } from './context.ts';
import { registry, SYSTEM_GAUGES } from './metrics.ts';
import { errorFields } from './log-error.ts';

type MetricJson = Awaited<ReturnType<typeof registry.getMetricsAsJSON>>[number];
type Snapshot = { at: number; metrics: MetricJson[] };

const hashKey = (ctx: AppContext) => `${ctx.queuePrefix}:metrics`;

/** The producers' fail-fast connection: publishing or reading never waits on a Redis outage. */
const redisOf = (ctx: AppContext) => ctx.producers.queue('sweep').getBackend().client;

/** A name that tells processes apart in a deployment: the parts it runs, its host and pid. */
export const processLabel = (ctx: AppContext) => `${ctx.part}@${os.hostname()}:${process.pid}`;

async function publish(ctx: AppContext, field: string): Promise<void> {
  const redis = await redisOf(ctx);
  const snapshot: Snapshot = { at: Date.now(), metrics: await registry.getMetricsAsJSON() };
  await redis.hset(hashKey(ctx), { [field]: JSON.stringify(snapshot) });
}

/** Publishes this process's metrics now and then every METRICS_PUBLISH_SECONDS; the last snapshot is sent on stop. */
export function startMetricsPublisher(ctx: AppContext): { stop(): Promise<void> } {
  const field = processLabel(ctx);
  // Metrics are best effort: a Redis outage must not stop the work, and the next tick catches up.
  const tick = () => publish(ctx, field).catch((err) => ctx.log.debug({ err: errorFields(err) }, 'metrics publish failed'));
  void tick();
  const timer = setInterval(tick, ctx.config.METRICS_PUBLISH_SECONDS * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await tick();
    },
  };
}

/** Adds the process label to every value; a series from one process never sums with another's. */
export function labelled(metrics: MetricJson[], processName: string, except: ReadonlySet<string> = new Set()): MetricJson[] {
  return metrics.map((m) =>
    except.has(m.name)
      ? m
      : // 'sum' over series that differ by their process label leaves each as it is; other aggregators
        // (omit, first, average) would drop or blend them.
        { ...m, aggregator: 'sum' as const, values: m.values.map((v) => ({ ...v, labels: { ...v.labels, process: processName } })) },
  );
}

/** Snapshots younger than three publishing intervals; older ones (stopped processes) are removed. */
async function freshSnapshots(ctx: AppContext): Promise<[string, Snapshot][]> {
  const redis = await redisOf(ctx);
  const all = await redis.hgetall(hashKey(ctx));
  const maxAge = 3 * ctx.config.METRICS_PUBLISH_SECONDS * 1000;
  const fresh: [string, Snapshot][] = [];
  const stale: string[] = [];
  for (const [field, json] of Object.entries(all)) {
    try {
      const s = JSON.parse(json) as Snapshot;
      if (Date.now() - s.at <= maxAge) fresh.push([field, s]);
      else stale.push(field);
    } catch {
      stale.push(field);
    }
  }
  if (stale.length) await redis.hdel(hashKey(ctx), ...stale);
  return fresh;
}

/** This process's metrics with every other process's fresh snapshot, as Prometheus text. */
export async function mergedMetrics(ctx: AppContext): Promise<string> {
  const self = processLabel(ctx);
  const own = labelled(await registry.getMetricsAsJSON(), self, SYSTEM_GAUGES);
  let others: MetricJson[][] = [];
  try {
    others = (await freshSnapshots(ctx)).filter(([field]) => field !== self).map(([field, s]) => labelled(s.metrics, field));
  } catch (err) {
    // Without Redis, /metrics still answers with what this process knows.
    ctx.log.debug({ err: errorFields(err) }, 'metrics snapshots unavailable');
  }
  return AggregatorRegistry.aggregate([own, ...others]).metrics();
}
