// One value computed at most once per period and shared meanwhile, by concurrent callers too.
// A failed computation is not kept: the next call tries again.
export function ttlMemo<T>(periodMs: () => number, compute: () => Promise<T>, now: () => number = Date.now): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | null = null;
  return () => {
    if (last && now() - last.at < periodMs()) return last.value;
    const value = compute();
    const entry = { at: now(), value };
    last = entry;
    value.catch(() => {
      if (last === entry) last = null;
    });
    return value;
  };
}
