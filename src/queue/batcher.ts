// Gathers the keys that concurrent jobs submit within one turn of the event loop and runs them as
// one batch, so the jobs a worker holds at once share their database round trips. Each caller gets
// its own key's outcome, or its own error: a batch never fails a job for another job's reason.
export type BatchRunner<K, V> = (keys: K[]) => Promise<Map<K, V | Error>>;

export class MicroBatcher<K, V> {
  private pending: { key: K; resolve: (v: V) => void; reject: (e: Error) => void }[] = [];
  private running = 0;
  private scheduled = false;

  private readonly run: BatchRunner<K, V>;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;

  /** maxInFlight > 1 lets the next batch read and parse while the previous one waits on the database. */
  constructor(run: BatchRunner<K, V>, maxBatch: number, maxInFlight = 2) {
    this.run = run;
    this.maxBatch = maxBatch;
    this.maxInFlight = maxInFlight;
  }

  submit(key: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      this.pending.push({ key, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.scheduled || this.running >= this.maxInFlight || !this.pending.length) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending.splice(0, this.maxBatch);
    if (!batch.length) return;
    this.running++;
    // What is left may start as the next batch while this one runs.
    this.kick();
    try {
      const results = await this.run(batch.map((b) => b.key));
      for (const b of batch) {
        const r = results.get(b.key);
        if (r instanceof Error) b.reject(r);
        else if (r === undefined) b.reject(new Error('batch returned no outcome for this job'));
        else b.resolve(r);
      }
    } catch (err) {
      for (const b of batch) b.reject(err as Error);
    } finally {
      this.running--;
      this.kick();
    }
  }
}
