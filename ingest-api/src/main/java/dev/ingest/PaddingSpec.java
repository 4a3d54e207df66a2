package dev.ingest;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How {@code padded_batch} makes var-len features dense: per feature, the length every row is
 * padded to (or the longest row of each batch) and the value that fills the gap. tf.data's
 * {@code padded_shapes} and {@code padding_values}, for one-dimensional var-len features.
 *
 * <p>A row longer than a fixed padded length is an error, as in tf.data. Features not named stay
 * as they are. Immutable and safe to share.
 *
 * @param lengths per feature name, the padded length, or {@link #LONGEST} for the longest row of
 *     each batch
 * @param values per feature name, the padding value: a {@link Float}, {@link Long} or {@link
 *     String} (UTF-8 bytes) matching the feature's dtype; absent means 0 or the empty string
 */
public record PaddingSpec(Map<String, Integer> lengths, Map<String, Object> values) {
  /** Pad to the longest row in each batch (tf.data's {@code None} dimension). */
  public static final int LONGEST = -1;

  private static final PaddingSpec NONE = new PaddingSpec(Map.of(), Map.of());

  public PaddingSpec {
    lengths = Map.copyOf(new TreeMap<>(lengths));
    values = Map.copyOf(new TreeMap<>(values));
    lengths.forEach((name, length) -> {
      if (length < LONGEST) {
        throw new IllegalArgumentException(
            "padded length of '" + name + "' must be at least 0 (or LONGEST), got " + length);
      }
    });
    for (String name : values.keySet()) {
      if (!lengths.containsKey(name)) {
        throw new IllegalArgumentException(
            "a padding value is given for '" + name + "', which has no padded shape");
      }
    }
  }

  /** No padding. */
  public static PaddingSpec none() {
    return NONE;
  }

  /** This spec with {@code feature} padded to {@code length} (or {@link #LONGEST}). */
  public PaddingSpec pad(String feature, int length) {
    Map<String, Integer> newLengths = new TreeMap<>(lengths);
    newLengths.put(Objects.requireNonNull(feature, "feature"), length);
    return new PaddingSpec(newLengths, values);
  }

  /** This spec with {@code feature}'s gaps filled with {@code value}. */
  public PaddingSpec withValue(String feature, Object value) {
    Map<String, Object> newValues = new TreeMap<>(values);
    newValues.put(Objects.requireNonNull(feature, "feature"), Objects.requireNonNull(value, "value"));
    return new PaddingSpec(lengths, newValues);
  }

  /** Whether {@code feature} is padded. */
  public boolean pads(String feature) {
    return lengths.containsKey(feature);
  }
}
