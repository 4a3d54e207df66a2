package dev.ingest.runtime.shuffle;

/**
 * The shuffle buffer's random choices: SplitMix64 (the generator behind the JDK's {@code
 * SplittableRandom}), here because its whole state is one {@code long} that a {@link
 * dev.ingest.SourceCheckpoint} can save and restore, which {@code SplittableRandom} does not
 * expose. Bounded draws use Lemire's multiply-and-reject method, so they are exactly uniform.
 */
final class ShuffleRandom {
  private static final long GAMMA = 0x9E37_79B9_7F4A_7C15L;

  private long state;

  ShuffleRandom(long state) {
    this.state = state;
  }

  /** The whole state: a generator made with it continues exactly where this one is. */
  long state() {
    return state;
  }

  /** A uniformly chosen int in [0, bound). */
  int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, got " + bound);
    }
    long product = (nextLong() >>> 32) * bound;
    int low = (int) product;
    if (Integer.compareUnsigned(low, bound) < 0) {
      // 2^32 mod bound values of the low word would over-represent some results: reject them.
      int threshold = Integer.remainderUnsigned(-bound, bound);
      while (Integer.compareUnsigned(low, threshold) < 0) {
        product = (nextLong() >>> 32) * bound;
        low = (int) product;
      }
    }
    return (int) (product >>> 32);
  }

  private long nextLong() {
    long z = state += GAMMA;
    z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
    return z ^ (z >>> 31);
  }
}
