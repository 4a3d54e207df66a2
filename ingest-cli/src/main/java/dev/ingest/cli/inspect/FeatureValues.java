package dev.ingest.cli.inspect;

import dev.ingest.DType;
import java.util.List;

/**
 * The values one {@code tf.train.Feature} holds in one record, decoded onto the heap for a
 * person to look at: {@link Float}s, {@link Long}s or {@code byte[]}s according to {@code
 * dtype}. Not for the hot path: the engine parses straight into off-heap columns instead.
 *
 * @param dtype the list the feature holds: {@code float_list}, {@code int64_list} or {@code
 *     bytes_list}
 * @param values its values, in order; the caller must not change the arrays
 */
public record FeatureValues(DType dtype, List<Object> values) {
  public FeatureValues {
    values = List.copyOf(values);
  }

  /** How many values the record holds for this feature. */
  public int count() {
    return values.size();
  }
}
