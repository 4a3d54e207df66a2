package dev.ingest;

/**
 * tf.data's {@code map} on one element: changes a parsed record's values in place, through the
 * flyweight {@link Row} (no object per record unless the function allocates one).
 *
 * <p>Called concurrently from the parse workers, on every record in turn: it must be thread-safe
 * and, for the pipeline's batches to be the same at any thread count, a function of the row alone
 * (no shared mutable state, no randomness of its own). A YAML pipeline names an implementation by
 * its class name ({@code map: {fn: com.example.Normalize}}); it needs a public no-argument
 * constructor.
 */
@FunctionalInterface
public interface RowMapper {
  void apply(Row row);
}
