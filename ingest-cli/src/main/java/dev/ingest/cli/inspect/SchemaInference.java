package dev.ingest.cli.inspect;

import dev.ingest.DType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Infers a feature schema from decoded records, one {@link #add} at a time: for each feature
 * name, its types, its fewest and most values per record, and how many records hold it.
 *
 * <p>Not thread-safe: one scanning thread adds, then reads {@link #features()}.
 */
public final class SchemaInference {
  private final Map<String, Tally> tallies = new TreeMap<>();
  private long records;

  /** Counts one record. */
  public void add(DecodedExample example) {
    records++;
    example.features().forEach((name, values) ->
        tallies.computeIfAbsent(name, unused -> new Tally()).add(values));
  }

  /** Records added so far. */
  public long records() {
    return records;
  }

  /** What the records added so far say, one entry per feature name in ascending order. */
  public List<InferredFeature> features() {
    List<InferredFeature> features = new ArrayList<>();
    tallies.forEach((name, tally) -> features.add(new InferredFeature(
        name, tally.dtypes, tally.minLength, tally.maxLength, tally.present, records)));
    return features;
  }

  private static final class Tally {
    final Set<DType> dtypes = EnumSet.noneOf(DType.class);
    int minLength = Integer.MAX_VALUE;
    int maxLength;
    long present;

    void add(FeatureValues values) {
      dtypes.add(values.dtype());
      minLength = Math.min(minLength, values.count());
      maxLength = Math.max(maxLength, values.count());
      present++;
    }
  }
}
