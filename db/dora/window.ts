/** The parameters every DORA metrics read shares: the window, and how it is cut into buckets. */

export interface MetricsWindow {
  /** The first instant counted. */
  from: Date;
  /** The first instant no longer counted (after `from`). */
  to: Date;
}

/** A calendar unit PostgreSQL's `date_trunc` and `interval` both know. */
export type BucketUnit = 'day' | 'week' | 'month';

export interface BucketedWindow extends MetricsWindow {
  /**
   * The IANA time zone whose calendar the buckets follow (validated by the caller): a local day is 23 or 25
   * hours when the clocks change.
   */
  timeZone: string;
  /** Each bucket is one local `unit`, the first and last cut at the window's edges. */
  unit: BucketUnit;
}
