package dev.ingest;

/**
 * tf.data's {@code filter}: keeps the records for which it returns true. Batches are still full:
 * the runtime fills them from the records that pass.
 *
 * <p>The same threading rules as {@link RowMapper}: called concurrently, must be thread-safe and
 * depend on the row alone. A YAML pipeline names an implementation by its class name.
 */
@FunctionalInterface
public interface RowFilter {
  boolean keep(Row row);
}
