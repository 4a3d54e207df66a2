package dev.ingest.cli.inspect;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One {@code tf.train.Example} decoded onto the heap: each feature's name and values, in
 * ascending order of name (the order the run digest uses) whatever the order on the wire.
 */
public record DecodedExample(SortedMap<String, FeatureValues> features) {
  public DecodedExample {
    features = Collections.unmodifiableSortedMap(new TreeMap<>(features));
  }
}
