// Append-only typed arrays: importers collect millions of PTP rows without one object per row.
type Ctor = Uint8ArrayConstructor | Uint16ArrayConstructor | Uint32ArrayConstructor;

export class Growable<C extends Ctor> {
  private buf: InstanceType<C>;
  length = 0;
  private readonly ctor: C;
  constructor(ctor: C, capacity = 1024) {
    this.ctor = ctor;
    this.buf = new ctor(capacity) as InstanceType<C>;
  }
  push(v: number): void {
    if (this.length === this.buf.length) {
      const next = new this.ctor(this.buf.length * 2) as InstanceType<C>;
      next.set(this.buf as never);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }
  get(i: number): number {
    return this.buf[i];
  }
  view(): InstanceType<C> {
    return this.buf.subarray(0, this.length) as InstanceType<C>;
  }
}
