package dev.ingest.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The median and the range of a set of per-iteration measurements. Noisy shared machines make a
 * mean misleading; the median with its range says both what is typical and how much to trust it.
 */
record Spread(double median, double min, double max, int count) {

  /** The spread of {@code values}; all NaN (count 0) when there are none. */
  static Spread of(List<Double> values) {
    if (values.isEmpty()) {
      return new Spread(Double.NaN, Double.NaN, Double.NaN, 0);
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return new Spread(median(sorted), sorted.get(0), sorted.get(sorted.size() - 1), sorted.size());
  }

  /** The middle value of sorted values, or the mean of the two middle ones for an even count. */
  private static double median(List<Double> sorted) {
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1
        ? sorted.get(middle)
        : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }

  boolean isEmpty() {
    return count == 0;
  }

  /** This spread with every figure multiplied by {@code factor} (for unit changes). */
  Spread scaled(double factor) {
    return new Spread(median * factor, min * factor, max * factor, count);
  }
}
