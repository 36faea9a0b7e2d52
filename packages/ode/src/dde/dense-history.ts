/** One integrated piece of a solution: its dense output on [ta, tb] and a tag (e.g. the parameters then). */
export interface HistorySegment<Tag> {
  readonly ta: number;
  readonly tb: number;
  readonly interpolate: (t: number, out: Float64Array) => Float64Array;
  readonly tag: Tag;
}

/**
 * The past of a delay-differential solution: the initial history for t ≤ t0, then the dense output of
 * every integrated segment in time order. Where a state jump (an event) makes two segments meet, a time
 * on the boundary reads the later one (the value after the jump). Lookup is a binary search.
 */
export class DenseHistory<Tag = undefined> {
  private readonly segments: HistorySegment<Tag>[] = [];

  /**
   * @param t0 start of the integration
   * @param initial the history for t ≤ t0: writes y(t) into `out` and returns the tag in force then
   */
  constructor(
    readonly t0: number,
    private readonly initial: (t: number, out: Float64Array) => Tag,
  ) {}

  /** Appends a segment; segments must come in time order and must not overlap. */
  push(segment: HistorySegment<Tag>): void {
    this.segments.push(segment);
  }

  /** The end of the stored history (t0 when empty). */
  get end(): number {
    return this.segments.length === 0 ? this.t0 : this.segments[this.segments.length - 1].tb;
  }

  /**
   * Writes y(t) into `out` for t ≤ end and returns the segment's tag. Times after `end` read y(end)
   * (callers keep each integration segment within the smallest delay, the method of steps).
   */
  at(out: Float64Array, t: number): Tag {
    const s = this.segments;
    if (t <= this.t0 || s.length === 0) return this.initial(t, out);
    let lo = 0;
    let hi = s.length - 1;
    // The last segment with ta ≤ t.
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid].ta <= t) lo = mid;
      else hi = mid - 1;
    }
    const seg = s[lo];
    seg.interpolate(Math.min(t, seg.tb), out);
    return seg.tag;
  }
}
