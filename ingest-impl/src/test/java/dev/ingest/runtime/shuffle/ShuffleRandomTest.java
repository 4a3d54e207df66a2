package dev.ingest.runtime.shuffle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ingest.runtime.ChiSquared;
import org.junit.jupiter.api.Test;

/**
 * {@link ShuffleRandom} on its own: uniform draws for small bounds, for bounds near 2^31 (where
 * only the rejection step keeps them uniform), consecutive draws independent, and a restored
 * state continuing the same stream. Every test uses fixed seeds, so its outcome never changes;
 * each bound is the chi-squared quantile a correct generator exceeds with probability 1e-6.
 */
class ShuffleRandomTest {
  private static final double TAIL = 1e-6;

  /** Pearson's statistic of {@code counts} against equal expected counts. */
  private static double uniformChiSquared(long[] counts) {
    long total = 0;
    for (long count : counts) {
      total += count;
    }
    double expected = (double) total / counts.length;
    double statistic = 0;
    for (long count : counts) {
      statistic += (count - expected) * (count - expected) / expected;
    }
    return statistic;
  }

  @Test
  void smallBoundsAreDrawnUniformly() {
    for (int bound : new int[] {2, 3, 7, 17, 100}) {
      ShuffleRandom random = new ShuffleRandom(bound * 31L);
      long[] counts = new long[bound];
      for (int i = 0; i < 2_000 * bound; i++) {
        int value = random.nextInt(bound);
        assertThat(value).isBetween(0, bound - 1);
        counts[value]++;
      }
      assertThat(uniformChiSquared(counts)).as("bound %d", bound)
          .isLessThan(ChiSquared.quantile(bound - 1, TAIL));
    }
  }

  @Test
  void largeBoundsAreUniformOverTheirRange() {
    // 64 equal ranges of a bound near 2^31: a draw that ignored the low or the high bits of the
    // generator's output would crowd some ranges.
    int bound = Integer.MAX_VALUE - 12_345;
    ShuffleRandom random = new ShuffleRandom(42);
    long[] counts = new long[64];
    for (int i = 0; i < 64_000; i++) {
      int value = random.nextInt(bound);
      assertThat(value).isBetween(0, bound - 1);
      counts[(int) ((long) value * 64 / bound)]++;
    }
    assertThat(uniformChiSquared(counts)).isLessThan(ChiSquared.quantile(63, TAIL));
  }

  @Test
  void theRejectionStepKeepsABoundOfThreeQuartersOf2To31Uniform() {
    // With bound 3 * 2^29 the multiply maps 2^32 words onto the bound 8 to 3: without rejecting
    // 2^32 mod bound words, values = 2 (mod 3) get 2 words and the others 3, so their shares
    // are 1/4, 3/8, 3/8 instead of thirds (a statistic of draws / 32, 625 here).
    int bound = 3 << 29;
    ShuffleRandom random = new ShuffleRandom(7);
    long[] counts = new long[3];
    for (int i = 0; i < 20_000; i++) {
      counts[random.nextInt(bound) % 3]++;
    }
    assertThat(uniformChiSquared(counts)).isLessThan(ChiSquared.quantile(2, TAIL));
  }

  @Test
  void consecutiveDrawsAreIndependent() {
    // Pairs of consecutive draws over 9 x 9 cells: 80 degrees of freedom.
    ShuffleRandom random = new ShuffleRandom(2024);
    long[] counts = new long[81];
    for (int i = 0; i < 81 * 200; i++) {
      counts[random.nextInt(9) * 9 + random.nextInt(9)]++;
    }
    assertThat(uniformChiSquared(counts)).isLessThan(ChiSquared.quantile(80, TAIL));
  }

  @Test
  void aGeneratorMadeFromTheStateContinuesTheSameStream() {
    ShuffleRandom random = new ShuffleRandom(99);
    for (int i = 0; i < 10; i++) {
      random.nextInt(1000);
    }
    ShuffleRandom restored = new ShuffleRandom(random.state());
    for (int i = 0; i < 100; i++) {
      assertThat(restored.nextInt(1 + i)).isEqualTo(random.nextInt(1 + i));
    }
    assertThat(restored.state()).isEqualTo(random.state());
  }

  @Test
  void differentSeedsGiveDifferentStreams() {
    ShuffleRandom a = new ShuffleRandom(1);
    ShuffleRandom b = new ShuffleRandom(2);
    int same = 0;
    for (int i = 0; i < 1000; i++) {
      same += a.nextInt(1 << 30) == b.nextInt(1 << 30) ? 1 : 0;
    }
    assertThat(same).isLessThan(3);
  }

  @Test
  void aBoundBelowOneIsRejected() {
    ShuffleRandom random = new ShuffleRandom(1);
    assertThatThrownBy(() -> random.nextInt(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> random.nextInt(-5)).isInstanceOf(IllegalArgumentException.class);
  }
}
