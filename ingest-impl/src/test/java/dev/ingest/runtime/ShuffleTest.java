package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shuffle buffer: a permutation every epoch, and a uniform one when it holds the dataset. */
class ShuffleTest {
  @TempDir static Path dir;
  static int total;
  static Path twenty;

  @BeforeAll
  static void write() throws IOException {
    total = IdRecords.write(dir.resolve("many"), 40, 75, 3, 120);
    twenty = dir.resolve("twenty");
    IdRecords.write(twenty, 8, 12);
  }

  @ParameterizedTest(name = "buffer {0}")
  @ValueSource(ints = {1, 7, 100, 10_000})
  void everyRecordExactlyOncePerEpoch(int bufferSize) {
    for (int threads : new int[] {1, 3}) {
      Dataset dataset = Dataset.tfrecord(dir.resolve("many").toString())
          .parseExample(IdRecords.SPEC)
          .interleave(2, 3)
          .shuffle(bufferSize)
          .batch(16, false)
          .repeat(3)
          .withOptions(PipelineOptions.defaults().withThreads(threads).withSeed(bufferSize));
      for (List<Long> epoch : IdRecords.epochs(IdRecords.ids(dataset), total)) {
        assertThat(epoch).containsExactlyInAnyOrderElementsOf(IdRecords.range(total));
      }
    }
  }

  /*
   * Chi-squared test of the output position of each of 20 records over SEEDS runs (a fixed set
   * of seeds, so the result never changes between runs). With a buffer that holds the whole
   * dataset every permutation is equally likely, so each record lands in each of the 20
   * positions SEEDS / 20 times on average, and its statistic follows chi-squared with 19 degrees
   * of freedom. CRITICAL is its 1 - 1e-4 quantile; the sum over the 20 records (not independent,
   * but close) has mean 380 and a standard deviation of about 27.6, and TOTAL_CRITICAL is that
   * mean plus 6 deviations. Without a shuffle (or with a buffer of 1) every record is always in
   * one position and the statistic is 19 * SEEDS, two orders of magnitude above.
   */
  private static final int RECORDS = 20;
  private static final int SEEDS = 400;
  private static final double CRITICAL = 51.2; // chi2(19) at p = 1e-4: 51.18
  private static final double TOTAL_CRITICAL = 380 + 6 * Math.sqrt(2 * 380);

  @Test
  void aBufferHoldingTheDatasetGivesEveryRecordAUniformPosition() {
    double[] statistics = positionChiSquared(RECORDS);
    double sum = 0;
    for (int record = 0; record < RECORDS; record++) {
      assertThat(statistics[record]).as("chi-squared of record %s's position", record)
          .isLessThan(CRITICAL);
      sum += statistics[record];
    }
    System.out.printf("shuffle uniformity: sum of chi-squared %.1f (expected about 380)%n", sum);
    assertThat(sum).isLessThan(TOTAL_CRITICAL);
    // Also a sign it is not too uniform (a fixed rotation by seed would give nearly 0).
    assertThat(sum).isGreaterThan(380 - 6 * Math.sqrt(2 * 380));
  }

  @Test
  void theTestRejectsABufferOfOne() {
    double[] statistics = positionChiSquared(1);
    for (double statistic : statistics) {
      assertThat(statistic).isGreaterThan(CRITICAL);
    }
  }

  /** Per record, the chi-squared statistic of its output positions over {@link #SEEDS} seeds. */
  private static double[] positionChiSquared(int bufferSize) {
    long[][] counts = new long[RECORDS][RECORDS];
    Dataset dataset = Dataset.tfrecord(twenty.toString())
        .parseExample(IdRecords.SPEC)
        .shuffle(bufferSize)
        .batch(RECORDS, false);
    for (int seed = 0; seed < SEEDS; seed++) {
      List<Long> ids = IdRecords.ids(
          dataset.withOptions(PipelineOptions.defaults().withThreads(1).withSeed(seed)));
      assertThat(ids).containsExactlyInAnyOrderElementsOf(IdRecords.range(RECORDS));
      for (int position = 0; position < RECORDS; position++) {
        counts[(int) (long) ids.get(position)][position]++;
      }
    }
    double expected = (double) SEEDS / RECORDS;
    double[] statistics = new double[RECORDS];
    for (int record = 0; record < RECORDS; record++) {
      for (int position = 0; position < RECORDS; position++) {
        double difference = counts[record][position] - expected;
        statistics[record] += difference * difference / expected;
      }
    }
    return statistics;
  }
}
