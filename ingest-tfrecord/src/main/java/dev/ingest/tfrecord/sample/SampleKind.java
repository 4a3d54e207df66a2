package dev.ingest.tfrecord.sample;

import dev.ingest.DType;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import dev.ingest.tfrecord.example.ExampleEncoder;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The kinds of sample data {@code ingest gen}, the tests and the benchmarks write. Each draws one {@code tf.train.Example} at a
 * time from a random source, so a seeded source gives the same examples every time.
 */
public enum SampleKind {
  /** {@code image}: 3072 random bytes (a 32x32 RGB picture); {@code label}: int64 in [0, 10). */
  IMAGE {
    @Override
    public void next(SplittableRandom random, ExampleEncoder encoder) {
      byte[] image = new byte[IMAGE_BYTES];
      random.nextBytes(image);
      encoder.putBytes("image", image).putInt64("label", random.nextInt(CLASSES));
    }
  },

  /**
   * {@code features}: 32 standard normal floats; {@code label}: int64 in [0, 10), the index of the
   * largest of 10 fixed linear projections of the features. The projections do not depend on the
   * seed, so datasets made with different seeds (train and test) share one learnable task.
   */
  TABULAR {
    @Override
    public void next(SplittableRandom random, ExampleEncoder encoder) {
      float[] features = new float[TABULAR_FEATURES];
      for (int i = 0; i < features.length; i++) {
        features[i] = (float) random.nextGaussian();
      }
      encoder.putFloats("features", features).putInt64("label", TabularTask.label(features));
    }
  },

  /**
   * {@code tokens}: int64 token ids in [1, 10000) (0 is left free for padding), 10 to 500 of
   * them; {@code label}: int64 in [0, 10). About a fifth of the tokens come from a band of 100 ids
   * that belongs to the label ({@code [1 + 100 * label, 101 + 100 * label)}), the rest from ids
   * above all bands, so a bag-of-words model can learn the label.
   */
  TEXT {
    @Override
    public void next(SplittableRandom random, ExampleEncoder encoder) {
      int label = random.nextInt(CLASSES);
      long[] tokens = new long[random.nextInt(MIN_TOKENS, MAX_TOKENS + 1)];
      for (int i = 0; i < tokens.length; i++) {
        tokens[i] =
            random.nextInt(5) == 0
                ? 1 + BAND_TOKENS * label + random.nextInt(BAND_TOKENS)
                : random.nextInt(1 + BAND_TOKENS * CLASSES, VOCABULARY);
      }
      encoder.putInt64s("tokens", tokens).putInt64("label", label);
    }
  };

  public static final int CLASSES = 10;
  public static final int IMAGE_BYTES = 3072;
  public static final int TABULAR_FEATURES = 32;
  public static final int MIN_TOKENS = 10;
  public static final int MAX_TOKENS = 500;
  public static final int VOCABULARY = 10_000;
  private static final int BAND_TOKENS = 100;

  /** Puts the features of the next example into {@code encoder}, which the caller cleared. */
  public abstract void next(SplittableRandom random, ExampleEncoder encoder);

  /** The features a training job parses this kind with. */
  public ExampleSpec exampleSpec() {
    FeatureSpec label = FeatureSpec.fixed("label", DType.INT64);
    switch (this) {
      case IMAGE:
        return ExampleSpec.of(FeatureSpec.fixed("image", DType.BYTES), label);
      case TABULAR:
        return ExampleSpec.of(FeatureSpec.fixed("features", DType.FLOAT32, TABULAR_FEATURES), label);
      default:
        return ExampleSpec.of(FeatureSpec.varLen("tokens", DType.INT64), label);
    }
  }

  /** About how many serialized bytes one record of this kind takes (text: on average). */
  public long approximateRecordBytes() {
    switch (this) {
      case IMAGE:
        return 3100;
      case TABULAR:
        return 170;
      default:
        return 520;
    }
  }

  /** The name used on the command line and in JSON. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The fixed projections behind the tabular labels. */
  public static final class TabularTask {
    private static final long PROJECTION_SEED = 0x7AB_17A5L;
    private static final float[][] PROJECTIONS = projections();

    private TabularTask() {}

    /** The index of the largest projection of {@code features}. */
    public static int label(float[] features) {
      int best = 0;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < PROJECTIONS.length; k++) {
        double score = 0;
        for (int i = 0; i < features.length; i++) {
          score += PROJECTIONS[k][i] * features[i];
        }
        if (score > bestScore) {
          bestScore = score;
          best = k;
        }
      }
      return best;
    }

    private static float[][] projections() {
      SplittableRandom random = new SplittableRandom(PROJECTION_SEED);
      float[][] projections = new float[CLASSES][TABULAR_FEATURES];
      for (float[] projection : projections) {
        for (int i = 0; i < projection.length; i++) {
          projection[i] = (float) random.nextGaussian();
        }
      }
      return projections;
    }
  }
}
