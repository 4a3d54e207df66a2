package dev.ingest.runtime.shuffle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/**
 * The quality of {@link GlobalOrder}, with fixed seeds so that every run decides the same way.
 * Each statistic is compared with a bound that a truly random permutation exceeds with
 * probability about 10<sup>-4</sup> (chi-squared critical values) or less (5 standard
 * deviations), so a pass is evidence and a failure is a defect, not bad luck:
 *
 * <ul>
 *   <li>every record's position is uniform (chi-squared), globally and in windowed mode;
 *   <li>records adjacent on disk share a batch as often as chance predicts globally, and as often
 *       as the window layout predicts in windowed mode (the figure that documents the trade-off);
 *   <li>the first ids' positions are not rank-correlated with the ids (Spearman), and pairs of ids
 *       a few bits apart do not land at related positions (the differential a Feistel network of
 *       too few rounds shows).
 * </ul>
 */
class GlobalOrderStatisticsTest {
  private static final double ALPHA = 1e-4;

  @Test
  void everyRecordsPositionIsUniformUnderAGlobalOrder() {
    // 1,000 records (a domain of 1,024, so cycle-walking is in play) x 10 buckets of 100
    // positions, over 400 (seed, epoch) pairs: 40 expected in each cell.
    int records = 1_000;
    int buckets = 10;
    long[][] counts = new long[records][buckets];
    for (long seed = 0; seed < 20; seed++) {
      for (long epoch = 0; epoch < 20; epoch++) {
        GlobalOrder order = GlobalOrder.global(records, seed, epoch);
        for (int position = 0; position < records; position++) {
          counts[(int) order.recordAt(position)][position * buckets / records]++;
        }
      }
    }
    assertThat(chiSquared(counts, records))
        .isLessThan(chiSquaredCritical(degreesOfFreedom(counts)));
  }

  /**
   * Records of one window move together (they share a slot), so rows are one record of each
   * window: across windows, that record's position is uniform over the epoch.
   */
  @Test
  void everyWindowsRecordPositionIsUniformUnderAWindowedOrder() {
    int records = 1_000;
    int buckets = 10;
    for (int window : new int[] {10, 100}) {
      int windows = records / window;
      long[][] counts = new long[windows][buckets];
      for (long seed = 0; seed < 40; seed++) {
        for (long epoch = 0; epoch < 50; epoch++) {
          GlobalOrder order = GlobalOrder.windowed(records, window, seed, epoch);
          for (int windowNumber = 0; windowNumber < windows; windowNumber++) {
            long id = (long) windowNumber * window + windowNumber * 7L % window;
            counts[windowNumber][(int) (order.positionOf(id) * buckets / records)]++;
          }
        }
      }
      assertThat(chiSquared(counts, windows)).as("window %d", window)
          .isLessThan(chiSquaredCritical(degreesOfFreedom(counts)));
    }
  }

  /** Within its slot, each record of a window is at a uniform offset. */
  @Test
  void everyRecordsOffsetInItsWindowsSlotIsUniform() {
    int records = 1_000;
    int window = 100;
    int buckets = 10;
    long[][] counts = new long[window][buckets];
    for (long seed = 0; seed < 40; seed++) {
      for (long epoch = 0; epoch < 50; epoch++) {
        GlobalOrder order = GlobalOrder.windowed(records, window, seed, epoch);
        for (int offset = 0; offset < window; offset++) {
          long position = order.positionOf(3L * window + offset);
          counts[offset][(int) (position % window * buckets / window)]++;
        }
      }
    }
    assertThat(chiSquared(counts, window))
        .isLessThan(chiSquaredCritical(degreesOfFreedom(counts)));
  }

  @Test
  void recordsAdjacentOnDiskShareABatchOfAGlobalOrderAsOftenAsChance() {
    int records = 100_000;
    int batch = 32;
    int epochs = 20;
    long together = 0;
    for (long epoch = 0; epoch < epochs; epoch++) {
      together += adjacentInOneBatch(GlobalOrder.global(records, 42, epoch), batch);
    }
    // Record r + 1 is at any of the other records - 1 positions, batch - 1 of them in r's batch
    // (32 divides 100,000): a binomial count over (records - 1) pairs an epoch.
    double chance = (batch - 1.0) / (records - 1);
    double expected = epochs * (records - 1.0) * chance;
    double deviation = Math.sqrt(expected * (1 - chance));
    assertThat((double) together).isBetween(expected - 5 * deviation, expected + 5 * deviation);
  }

  /**
   * The trade-off of windowed mode, measured: records r and r + 1 of one window are two distinct
   * uniform offsets of the window's slot, so they share a batch with the probability that two
   * distinct positions of a slot fall in one batch, about (batch - 1) / (window - 1), far above
   * chance. Pairs that straddle two windows are one in a window and share a batch only when
   * their slots are neighbours and both sit at the seam; they are left out of the prediction.
   */
  @Test
  void recordsAdjacentOnDiskShareABatchOfAWindowedOrderAsTheWindowPredicts() {
    int records = 100_000;
    int batch = 32;
    int epochs = 20;
    for (int window : new int[] {1_000, 10_000}) {
      long together = 0;
      for (long epoch = 0; epoch < epochs; epoch++) {
        together += adjacentInOneBatch(GlobalOrder.windowed(records, window, 42, epoch), batch);
      }
      int windows = records / window;
      double expected = epochs * (double) (records - windows) * sameBatchInASlot(window, batch, windows);
      // Pairs of one window are weakly dependent: twice the binomial variance covers that.
      double deviation = Math.sqrt(2 * expected);
      assertThat((double) together).as("window %d", window)
          .isBetween(expected - 5 * deviation, expected + 5 * deviation);
      double chance = epochs * (batch - 1.0);
      assertThat(together / chance).as("window %d against chance", window)
          .isGreaterThan(0.5 * records / window);
    }
  }

  /** How many pairs (r, r + 1) land in one batch of {@code batch} positions. */
  static long adjacentInOneBatch(GlobalOrder order, int batch) {
    int records = (int) order.records();
    int[] batchOf = new int[records];
    for (int position = 0; position < records; position++) {
      batchOf[(int) order.recordAt(position)] = position / batch;
    }
    long together = 0;
    for (int id = 0; id + 1 < records; id++) {
      if (batchOf[id] == batchOf[id + 1]) {
        together++;
      }
    }
    return together;
  }

  /**
   * The probability that two distinct uniform positions of a slot fall in one batch, averaged
   * over the slots a window may fill (slot s covers [s * window, (s + 1) * window)).
   */
  static double sameBatchInASlot(int window, int batch, int windows) {
    double sum = 0;
    for (long slot = 0; slot < windows; slot++) {
      long start = slot * window;
      long end = start + window;
      double pairs = 0;
      for (long batchStart = start / batch * batch; batchStart < end; batchStart += batch) {
        long overlap = Math.min(end, batchStart + batch) - Math.max(start, batchStart);
        pairs += overlap * (overlap - 1.0);
      }
      sum += pairs / (window * (window - 1.0));
    }
    return sum / windows;
  }

  @Test
  void theFirstIdsPositionsAreNotRankCorrelatedWithTheIds() {
    LongFunction<GlobalOrder> global = trial -> GlobalOrder.global(1_000, trial, trial % 7);
    LongFunction<GlobalOrder> windowed = trial -> GlobalOrder.windowed(1_000, 100, trial, 1);
    for (LongFunction<GlobalOrder> orders : java.util.List.of(global, windowed)) {
      int ids = 64;
      int trials = 400;
      double sum = 0;
      double sumOfSquares = 0;
      for (long trial = 0; trial < trials; trial++) {
        double rho = spearman(orders.apply(trial), ids);
        sum += rho;
        sumOfSquares += rho * rho;
      }
      // Under independence rho is about normal with variance 1 / (ids - 1), so rho^2 has mean
      // 1 / (ids - 1) and variance 2 / (ids - 1)^2.
      double variance = 1.0 / (ids - 1);
      double meanDeviation = Math.sqrt(variance / trials);
      double squareDeviation = Math.sqrt(2 * variance * variance / trials);
      assertThat(sum / trials).isBetween(-5 * meanDeviation, 5 * meanDeviation);
      assertThat(sumOfSquares / trials)
          .isBetween(variance - 5 * squareDeviation, variance + 5 * squareDeviation);
    }
  }

  /** Spearman's rank correlation of ids 0..ids-1 with their positions (no ties). */
  static double spearman(GlobalOrder order, int ids) {
    long[] positions = new long[ids];
    for (int id = 0; id < ids; id++) {
      positions[id] = order.positionOf(id);
    }
    double squaredRankDifferences = 0;
    for (int id = 0; id < ids; id++) {
      int rank = 0;
      for (long other : positions) {
        if (other < positions[id]) {
          rank++;
        }
      }
      squaredRankDifferences += (double) (rank - id) * (rank - id);
    }
    return 1 - 6 * squaredRankDifferences / (ids * ((double) ids * ids - 1));
  }

  /**
   * Ids that differ in a few bits (the low bit of either Feistel half, or both halves) land at
   * positions whose XOR is uniform over the non-zero values, as for a random permutation. Two
   * rounds, for one, map ids differing only in the left half to positions whose left halves
   * differ by the same bits. 1,024 records fill the domain, so no cycle-walking hides it.
   */
  @Test
  void idsAFewBitsApartLandAtUnrelatedPositions() {
    int records = 1_024;
    int buckets = 32;
    for (int difference : new int[] {1, 32, 33, 512, 1_023}) {
      long[] counts = new long[buckets];
      for (long seed = 0; seed < 200; seed++) {
        GlobalOrder order = GlobalOrder.global(records, seed, 0);
        for (int id = 0; id < records; id++) {
          int partner = id ^ difference;
          if (id < partner) {
            counts[(int) ((order.positionOf(id) ^ order.positionOf(partner)) / buckets)]++;
          }
        }
      }
      // XORs are 1..1023: the first bucket has 31 of them, the others 32.
      long samples = 200L * records / 2;
      double statistic = 0;
      for (int bucket = 0; bucket < buckets; bucket++) {
        double expected = samples * (bucket == 0 ? 31.0 : 32.0) / (records - 1);
        statistic += (counts[bucket] - expected) * (counts[bucket] - expected) / expected;
      }
      assertThat(statistic).as("ids %d apart", difference)
          .isLessThan(chiSquaredCritical(buckets - 1));
    }
  }

  /**
   * Pearson's statistic of independence of rows and columns, expected counts from the margins,
   * for a table that sums trials each adding {@code perTrial} entries with fixed row and column
   * sums (one per record and per position: a permutation). Under independence such a trial's
   * statistic has mean {@code (r - 1)(c - 1) n / (n - 1)} for {@code n} entries (the
   * hypergeometric null of Fisher's exact test), so the statistic is scaled by {@code (n - 1) / n}
   * to follow chi-squared with {@code (r - 1)(c - 1)} degrees of freedom; that matters for tables
   * of few entries a trial, such as ten windows.
   */
  static double chiSquared(long[][] counts, int perTrial) {
    int rows = counts.length;
    int columns = counts[0].length;
    double[] rowSums = new double[rows];
    double[] columnSums = new double[columns];
    double total = 0;
    for (int row = 0; row < rows; row++) {
      for (int column = 0; column < columns; column++) {
        rowSums[row] += counts[row][column];
        columnSums[column] += counts[row][column];
        total += counts[row][column];
      }
    }
    double statistic = 0;
    for (int row = 0; row < rows; row++) {
      for (int column = 0; column < columns; column++) {
        double expected = rowSums[row] * columnSums[column] / total;
        double difference = counts[row][column] - expected;
        statistic += difference * difference / expected;
      }
    }
    return statistic * (perTrial - 1) / perTrial;
  }

  static int degreesOfFreedom(long[][] counts) {
    return (counts.length - 1) * (counts[0].length - 1);
  }

  /**
   * The chi-squared value exceeded with probability {@link #ALPHA}, by Wilson and Hilferty's
   * cube-root normal approximation: within 0.4% of the exact quantile from 30 degrees of freedom
   * up, on the safe side (31 degrees: 69.3 against 69.1; 8,991: 9,498.3 against 9,498.3).
   */
  static double chiSquaredCritical(int degreesOfFreedom) {
    double z = 3.7190; // the standard normal quantile of 1 - ALPHA
    double k = degreesOfFreedom;
    double root = 1 - 2 / (9 * k) + z * Math.sqrt(2 / (9 * k));
    return k * root * root * root;
  }
}
