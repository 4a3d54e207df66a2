package dev.ingest;

import java.util.List;
import java.util.Objects;

/**
 * How to parse one feature of a {@code tf.train.Example}: tf.data's {@code FixedLenFeature} and
 * {@code VarLenFeature} in one immutable record.
 *
 * <ul>
 *   <li><b>Fixed</b> ({@code varLen == false}): every record has exactly {@link #elementCount()}
 *       values, laid out row-major in {@code shape} ({@code []} is a scalar, {@code [32]} a
 *       vector, {@code [32, 32, 3]} an image). A record without the feature takes {@code
 *       defaultValue}, or is an error when there is none.
 *   <li><b>Var-len</b> ({@code varLen == true}, {@code shape} empty): each record has any number of
 *       values, a ragged row; a record without the feature has an empty row.
 * </ul>
 *
 * <p>{@code defaultValue} holds {@link Float}s for {@link DType#FLOAT32}, {@link Long}s for
 * {@link DType#INT64} and {@link String}s (written as UTF-8) for {@link DType#BYTES}: either one
 * value, repeated over the shape, or exactly {@link #elementCount()} values. {@code null} means
 * the feature is required.
 *
 * @param name the feature's key in the Example's feature map
 * @param dtype the type of its values
 * @param shape the fixed shape; empty for a scalar or a var-len feature
 * @param varLen whether rows are ragged
 * @param defaultValue the value of a missing fixed feature, or {@code null}
 */
public record FeatureSpec(
    String name, DType dtype, List<Integer> shape, boolean varLen, List<?> defaultValue) {

  public FeatureSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dtype, "dtype");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("a feature needs a name");
    }
    shape = List.copyOf(shape);
    for (int dimension : shape) {
      if (dimension < 0) {
        throw new IllegalArgumentException(
            "feature '" + name + "': shape " + shape + " has a negative dimension");
      }
    }
    if (varLen && !shape.isEmpty()) {
      throw new IllegalArgumentException(
          "feature '" + name + "': a var_len feature has no fixed shape, got " + shape);
    }
    if (varLen && defaultValue != null) {
      throw new IllegalArgumentException(
          "feature '" + name + "': a var_len feature has no default (a missing one is empty)");
    }
    if (defaultValue != null) {
      defaultValue = List.copyOf(defaultValue);
      long count = elementCount(shape);
      if (defaultValue.size() != 1 && defaultValue.size() != count) {
        throw new IllegalArgumentException(
            "feature '" + name + "': default has " + defaultValue.size()
                + " values, shape " + shape + " needs 1 or " + count);
      }
      Class<?> expected = dtype.javaType();
      for (Object value : defaultValue) {
        if (!expected.isInstance(value)) {
          throw new IllegalArgumentException(
              "feature '" + name + "': default value " + value + " is not a " + dtype.wireName());
        }
      }
    }
  }

  /** A required fixed-shape feature; no dimensions is a scalar. */
  public static FeatureSpec fixed(String name, DType dtype, int... shape) {
    return new FeatureSpec(name, dtype, dimensions(shape), false, null);
  }

  /** A ragged feature: any number of values per record, empty when missing. */
  public static FeatureSpec varLen(String name, DType dtype) {
    return new FeatureSpec(name, dtype, List.of(), true, null);
  }

  /** This fixed feature with a default for records that lack it (one value, or one per element). */
  public FeatureSpec withDefault(Object... values) {
    return new FeatureSpec(name, dtype, shape, varLen, List.of(values));
  }

  /** Values per record of a fixed feature: the product of the shape (1 for a scalar). */
  public int elementCount() {
    return (int) elementCount(shape);
  }

  /** Whether a record must carry this feature. */
  public boolean required() {
    return !varLen && defaultValue == null;
  }

  private static long elementCount(List<Integer> shape) {
    long count = 1;
    for (int dimension : shape) {
      count *= dimension;
      if (count > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("shape " + shape + " has more than 2^31 elements");
      }
    }
    return count;
  }

  private static List<Integer> dimensions(int... shape) {
    Integer[] boxed = new Integer[shape.length];
    for (int i = 0; i < shape.length; i++) {
      boxed[i] = shape[i];
    }
    return List.of(boxed);
  }
}
