package dev.ingest;

/**
 * A transform of whole batches (tf.data's {@code map} after {@code batch}): vectorised work over
 * columns, e.g. normalising every value of a float feature in one loop.
 *
 * <p>Runs once per batch, after batching and padding, before the batch reaches the prefetch ring.
 * The same threading rules as {@link RowMapper}: it may run concurrently on different batches.
 */
@FunctionalInterface
public interface BatchMapper {
  void apply(MutableBatch batch);
}
