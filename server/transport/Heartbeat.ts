/** Something that wants a call once per heartbeat interval. */
interface Beating {
  beat(): void;
}

/** Ticks per interval: each tick beats one slice of the members. */
const SLICES = 20;

/**
 * One timer for every socket, rather than one per socket: 10,000 idle connections cost a
 * single interval that walks a set. The walk is spread over the interval, a twentieth of
 * the members per tick, so that pinging thousands of sockets never stalls the event loop
 * (and every room's broadcasts) in one burst. Each member is still beaten about once per
 * interval.
 */
export class Heartbeat {
  private readonly members = new Set<Beating>();
  private readonly timer: NodeJS.Timeout;
  /** Where the current pass stands; Set iterators see members added or removed meanwhile. */
  private cursor: Iterator<Beating> = this.members.values();
  private tickInPass = 0;
  private perTick = 0;

  constructor(intervalMs: number) {
    this.timer = setInterval(() => this.tick(), intervalMs / SLICES);
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

  private tick(): void {
    if (this.tickInPass === 0) {
      this.cursor = this.members.values();
      this.perTick = Math.ceil(this.members.size / SLICES);
    }
    // The last tick finishes the pass, members added meanwhile included: one beat per
    // member per pass, and passes start exactly one interval apart.
    let remaining = this.tickInPass === SLICES - 1 ? Infinity : this.perTick;
    while (remaining-- > 0) {
      const next = this.cursor.next();
      if (next.done) break;
      next.value.beat();
    }
    this.tickInPass = (this.tickInPass + 1) % SLICES;
  }
}
