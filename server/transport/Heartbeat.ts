/** Something that wants a call once per heartbeat interval. */
export interface Beating {
  beat(): void;
}

/**
 * One timer for every socket, rather than one per socket: 10,000 idle connections cost a
 * single interval that walks a set.
 */
export class Heartbeat {
  private readonly members = new Set<Beating>();
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs: number) {
    this.timer = setInterval(() => {
      for (const member of this.members) member.beat();
    }, intervalMs);
    this.timer.unref();
  }

  add(member: Beating): void {
    this.members.add(member);
  }

  delete(member: Beating): void {
    this.members.delete(member);
  }

  stop(): void {
    clearInterval(this.timer);
    this.members.clear();
  }
}
