/** Counts open connections, in total and per client address, against their limits. */
export class ConnectionLimiter {
  private total = 0;
  private readonly perAddress = new Map<string, number>();

  constructor(
    private readonly maxTotal: number,
    private readonly maxPerAddress: number,
  ) {}

  /** Counts a new connection, or says which limit it would pass. */
  tryAcquire(address: string): 'ok' | 'total' | 'address' {
    if (this.total >= this.maxTotal) return 'total';
    const count = this.perAddress.get(address) ?? 0;
    if (count >= this.maxPerAddress) return 'address';
    this.total++;
    this.perAddress.set(address, count + 1);
    return 'ok';
  }

  release(address: string): void {
    const count = this.perAddress.get(address);
    if (count === undefined) return;
    this.total--;
    if (count <= 1) this.perAddress.delete(address);
    else this.perAddress.set(address, count - 1);
  }
}
