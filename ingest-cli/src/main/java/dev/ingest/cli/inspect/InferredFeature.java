package dev.ingest.cli.inspect;

import dev.ingest.DType;
import java.util.Set;

/**
 * What the scanned records say about one feature.
 *
 * @param name the feature's key
 * @param dtypes the list types seen for it; more than one means the data disagrees with itself
 * @param minLength the fewest values one record held, over the records that hold the feature
 * @param maxLength the most values one record held, over the same records
 * @param recordsPresent how many scanned records hold the feature
 * @param recordsScanned how many records were scanned in all
 */
public record InferredFeature(String name, Set<DType> dtypes, int minLength, int maxLength,
    long recordsPresent, long recordsScanned) {
  public InferredFeature {
    dtypes = Set.copyOf(dtypes);
  }

  /** Every record that holds the feature holds the same number of values. */
  public boolean fixedLength() {
    return minLength == maxLength;
  }

  /** Every scanned record holds the feature. */
  public boolean presentInAll() {
    return recordsPresent == recordsScanned;
  }

  /** The one type seen, or {@code null} when records disagree. */
  public DType dtype() {
    return dtypes.size() == 1 ? dtypes.iterator().next() : null;
  }
}
