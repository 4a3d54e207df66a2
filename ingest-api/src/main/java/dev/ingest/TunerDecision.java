package dev.ingest;

/**
 * One decision of the autotuner (see {@link Tuning}): a setting it moved, tried or confirmed,
 * with the measurements that made it decide.
 *
 * @param atMillis when, in milliseconds since the pipeline started
 * @param parameter {@link #PARSE_WORKERS} or {@link #PREFETCH}
 * @param from the setting before
 * @param to the setting after; equal to {@code from} when a trial was confirmed or a move was
 *     declined (the reason says which)
 * @param reason why, with the measured numbers (throughput, waits, busy fractions, bytes)
 */
public record TunerDecision(long atMillis, String parameter, int from, int to, String reason) {
  /** Active parse workers (the parse and map stage's parallelism). */
  public static final String PARSE_WORKERS = "parse_workers";
  /** Prefetch depth: batches allowed in flight beyond those being parsed. */
  public static final String PREFETCH = "prefetch";
}
