package dev.ingest;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The features to parse from each {@code tf.train.Example} (tf.data's {@code features} dict of
 * {@code parse_example}). Features are kept in ascending order of name, the order of the run
 * digest's canonical form; features not listed are skipped without being decoded.
 *
 * <p>Immutable and safe to share between threads.
 */
public record ExampleSpec(List<FeatureSpec> features) {

  public ExampleSpec {
    features =
        features.stream().sorted(Comparator.comparing(FeatureSpec::name)).toList();
    Map<String, FeatureSpec> byName = new HashMap<>();
    for (FeatureSpec feature : features) {
      if (byName.put(feature.name(), feature) != null) {
        throw new IllegalArgumentException("feature '" + feature.name() + "' is listed twice");
      }
    }
    if (features.isEmpty()) {
      throw new IllegalArgumentException("parse_example needs at least one feature");
    }
  }

  public static ExampleSpec of(FeatureSpec... features) {
    return new ExampleSpec(List.of(features));
  }

  /** The feature called {@code name}, if listed. */
  public Optional<FeatureSpec> feature(String name) {
    return features.stream().filter(feature -> feature.name().equals(name)).findFirst();
  }
}
