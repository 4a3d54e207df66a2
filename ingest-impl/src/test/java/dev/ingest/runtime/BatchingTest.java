package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.Column;
import dev.ingest.DType;
import dev.ingest.Dataset;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import dev.ingest.PaddingSpec;
import dev.ingest.PipelineOptions;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.TFRecordWriter;
import dev.ingest.tfrecord.example.ExampleEncoder;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** take, drop_remainder and padded_batch, through the whole engine. */
class BatchingTest {
  @TempDir static Path dir;
  static int total;
  static Path tokens;

  @BeforeAll
  static void write() throws IOException {
    total = IdRecords.write(dir.resolve("ids"), 100, 37, 63); // 200 records
    tokens = dir.resolve("tokens.tfrecord");
    Files.createDirectories(dir);
    ExampleEncoder encoder = new ExampleEncoder();
    try (TFRecordWriter writer = TFRecordWriter.open(tokens, Compression.NONE)) {
      for (int id = 0; id < 50; id++) {
        writer.write(
            encoder.clear().putInt64("id", id).putInt64s("tokens", tokensOf(id))
                .putFloats("weights", weightsOf(id)).toByteArray());
      }
    }
  }

  /** id % 7 tokens: id * 100, id * 100 + 1, ... */
  static long[] tokensOf(int id) {
    long[] values = new long[id % 7];
    for (int i = 0; i < values.length; i++) {
      values[i] = id * 100L + i;
    }
    return values;
  }

  /** id % 5 weights: id + 0.25, id + 0.5, ... */
  static float[] weightsOf(int id) {
    float[] values = new float[id % 5];
    for (int i = 0; i < values.length; i++) {
      values[i] = id + 0.25f * (i + 1);
    }
    return values;
  }

  private static Dataset ids() {
    return Dataset.tfrecord(dir.resolve("ids").toString())
        .parseExample(IdRecords.SPEC)
        .shuffle(30)
        .withOptions(PipelineOptions.defaults().withThreads(3).withSeed(3));
  }

  @ParameterizedTest(name = "skip {0}, take {1}")
  @CsvSource({"0, -1", "1, -1", "5, 3", "13, 2", "14, 1", "26, -1", "27, 5", "100, -1"})
  void skipDropsTheFirstBatchesAcrossEpochsThenTakeCounts(long skip, long take) {
    Dataset all = ids().batch(16, false).repeat(2);
    List<List<Long>> expected = IdRecords.batches(all); // 13 batches an epoch, 26 in all
    List<List<Long>> rest =
        expected.subList((int) Math.min(skip, expected.size()), expected.size());
    List<List<Long>> got = IdRecords.batches(all.skip(skip).take(take));
    assertThat(got).isEqualTo(take == -1 ? rest : rest.subList(0, (int) Math.min(take, rest.size())));
  }

  @ParameterizedTest(name = "take {0} of {1} epochs")
  @CsvSource({"0, 1", "1, 1", "5, 1", "13, 1", "14, 1", "100, 1", "20, 3", "1000, -1"})
  void takeYieldsAtMostThatManyBatchesInOrder(long take, int epochs) {
    Dataset all = ids().batch(16, false).repeat(epochs == -1 ? 2 : epochs);
    List<List<Long>> expected = IdRecords.batches(all);
    if (epochs == -1) {
      // An endless repeat continues with the same kind of epochs; compare the first two.
      List<List<Long>> taken = IdRecords.batches(ids().batch(16, false).repeat(-1).take(take));
      assertThat(taken).hasSize((int) take);
      assertThat(taken.subList(0, expected.size())).isEqualTo(expected);
      return;
    }
    List<List<Long>> taken = IdRecords.batches(all.take(take));
    assertThat(taken).isEqualTo(expected.subList(0, (int) Math.min(take, expected.size())));
  }

  @Test
  void dropRemainderDropsEachEpochsShortLastBatch() {
    // 200 records in batches of 16: 12 full batches and 8 left over, per epoch.
    List<List<Long>> kept = IdRecords.batches(ids().batch(16, false).repeat(3));
    assertThat(kept.stream().map(List::size).collect(Collectors.toList()))
        .containsExactlyElementsOf(sizes(16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 8));
    List<List<Long>> dropped = IdRecords.batches(ids().batch(16, true).repeat(3));
    assertThat(dropped).hasSize(36).allMatch(batch -> batch.size() == 16);
    // The same batches, less each epoch's last one.
    assertThat(dropped.subList(0, 12)).isEqualTo(kept.subList(0, 12));
    assertThat(dropped.subList(12, 24)).isEqualTo(kept.subList(13, 25));
    assertThat(dropped.subList(24, 36)).isEqualTo(kept.subList(26, 38));
  }

  @Test
  void aBatchAsLargeAsTheDataWithDropRemainderYieldsNothing() {
    assertThat(IdRecords.batches(ids().batch(total + 1, true))).isEmpty();
    assertThat(IdRecords.batches(ids().batch(total, true))).hasSize(1);
  }

  private static List<Integer> sizes(Integer... perEpoch) {
    List<Integer> epoch = List.of(perEpoch);
    return Stream.of(epoch, epoch, epoch).flatMap(List::stream).collect(Collectors.toList());
  }

  @Test
  void paddedBatchPadsEachBatchToItsLongestRow() {
    ExampleSpec spec = ExampleSpec.of(
        FeatureSpec.fixed("id", DType.INT64), FeatureSpec.varLen("tokens", DType.INT64));
    Dataset dataset = Dataset.tfrecord(tokens.toString())
        .parseExample(spec)
        .paddedBatch(8, PaddingSpec.none()
            .pad("tokens", PaddingSpec.LONGEST).withValue("tokens", -1L), false)
        .withOptions(PipelineOptions.defaults().withThreads(2));
    int rowsSeen = 0;
    try (BatchIterator iterator = dataset.iterator()) {
      while (iterator.hasNext()) {
        try (Batch batch = iterator.next()) {
          LongBuffer ids = batch.longs("id");
          Column column = batch.column("tokens");
          int longest = 0;
          for (int row = 0; row < batch.rows(); row++) {
            longest = Math.max(longest, tokensOf((int) ids.get(row)).length);
          }
          assertThat(column.ragged()).isFalse();
          assertThat(column.rowShape()).containsExactly(longest);
          LongBuffer values = column.longs();
          assertThat(values.remaining()).isEqualTo(batch.rows() * longest);
          for (int row = 0; row < batch.rows(); row++) {
            long[] expected = tokensOf((int) ids.get(row));
            for (int i = 0; i < longest; i++) {
              assertThat(values.get(row * longest + i)).as("row %s, value %s", row, i)
                  .isEqualTo(i < expected.length ? expected[i] : -1L);
            }
          }
          rowsSeen += batch.rows();
        }
      }
    }
    assertThat(rowsSeen).isEqualTo(50);
  }

  @Test
  void paddedBatchToAFixedLength() {
    ExampleSpec spec = ExampleSpec.of(
        FeatureSpec.fixed("id", DType.INT64), FeatureSpec.varLen("tokens", DType.INT64));
    Dataset dataset = Dataset.tfrecord(tokens.toString())
        .parseExample(spec)
        .paddedBatch(16, PaddingSpec.none().pad("tokens", 6), true)
        .withOptions(PipelineOptions.defaults().withThreads(2));
    int batches = 0;
    try (BatchIterator iterator = dataset.iterator()) {
      while (iterator.hasNext()) {
        try (Batch batch = iterator.next()) {
          assertThat(batch.rows()).isEqualTo(16);
          assertThat(batch.column("tokens").rowShape()).containsExactly(6);
          LongBuffer ids = batch.longs("id");
          LongBuffer values = batch.longs("tokens");
          for (int row = 0; row < batch.rows(); row++) {
            long[] expected = tokensOf((int) ids.get(row));
            for (int i = 0; i < 6; i++) {
              assertThat(values.get(row * 6 + i)).isEqualTo(i < expected.length ? expected[i] : 0L);
            }
          }
          batches++;
        }
      }
    }
    assertThat(batches).isEqualTo(3); // 50 records: 3 full batches of 16, 2 dropped
  }

  @ParameterizedTest(name = "filtered {0}")
  @ValueSource(booleans = {false, true})
  void paddedBatchFillsFloatFeaturesWithTheConfiguredValue(boolean filtered) {
    // Parsed and padded in one step, or (with a filter) padded by the batch stage: both must
    // fill with the value configured, not with zero. -2.5 is no weight of any record.
    ExampleSpec spec = ExampleSpec.of(
        FeatureSpec.fixed("id", DType.INT64), FeatureSpec.varLen("weights", DType.FLOAT32));
    Dataset dataset = Dataset.tfrecord(tokens.toString()).parseExample(spec);
    if (filtered) {
      dataset = dataset.filter("not a multiple of 3", row -> row.getLong("id", 0) % 3 != 0);
    }
    dataset = dataset
        .paddedBatch(8, PaddingSpec.none().pad("weights", 6).withValue("weights", -2.5f), false)
        .withOptions(PipelineOptions.defaults().withThreads(2));
    int rowsSeen = 0;
    int padsSeen = 0;
    try (BatchIterator iterator = dataset.iterator()) {
      while (iterator.hasNext()) {
        try (Batch batch = iterator.next()) {
          LongBuffer ids = batch.longs("id");
          assertThat(batch.column("weights").rowShape()).containsExactly(6);
          FloatBuffer values = batch.floats("weights");
          for (int row = 0; row < batch.rows(); row++) {
            float[] expected = weightsOf((int) ids.get(row));
            for (int i = 0; i < 6; i++) {
              assertThat(values.get(row * 6 + i)).as("row %s, value %s", row, i)
                  .isEqualTo(i < expected.length ? expected[i] : -2.5f);
              padsSeen += i < expected.length ? 0 : 1;
            }
          }
          rowsSeen += batch.rows();
        }
      }
    }
    assertThat(rowsSeen).isEqualTo(filtered ? 33 : 50);
    assertThat(padsSeen).isPositive();
  }

  /**
   * A row longer than its fixed padded length is bad data wherever the padding happens: in the
   * fused parse, or (with a filter) in the batch stage, which once wrote the row's extra values
   * into the next row's place. Under {@code fail} the parser names the record; under {@code skip}
   * the row is dropped and counted.
   */
  @ParameterizedTest(name = "filtered {0}")
  @ValueSource(booleans = {false, true})
  void aRowLongerThanItsFixedPaddedLengthIsRefusedNamingItsRecord(boolean filtered) {
    ExampleSpec spec = ExampleSpec.of(
        FeatureSpec.fixed("id", DType.INT64), FeatureSpec.varLen("weights", DType.FLOAT32));
    Dataset dataset = Dataset.tfrecord(tokens.toString()).parseExample(spec);
    if (filtered) {
      dataset = dataset.filter("not a multiple of 3", row -> row.getLong("id", 0) % 3 != 0);
    }
    // Records whose id % 5 is 4 have four weights: one more than the padded length.
    dataset = dataset.paddedBatch(8, PaddingSpec.none().pad("weights", 3), false)
        .withOptions(PipelineOptions.defaults().withThreads(2));
    dev.ingest.IngestException failure = null;
    try (BatchIterator iterator = dataset.iterator()) {
      while (iterator.hasNext()) {
        iterator.next().close();
      }
    } catch (dev.ingest.IngestException e) {
      failure = e;
    }
    assertThat(failure).isNotNull();
    assertThat(failure.getCause())
        .isInstanceOfSatisfying(dev.ingest.InvalidExampleException.class, e -> {
          assertThat(e.recordIndex()).isEqualTo(4);
          assertThat(e.feature()).isEqualTo("weights");
        })
        .hasMessageContaining("more than its padded length 3");

    int rowsSeen = 0;
    long skipped;
    try (BatchIterator iterator = dataset.onCorrupt(dev.ingest.CorruptionPolicy.SKIP).iterator()) {
      while (iterator.hasNext()) {
        try (Batch batch = iterator.next()) {
          LongBuffer ids = batch.longs("id");
          FloatBuffer values = batch.floats("weights");
          for (int row = 0; row < batch.rows(); row++) {
            float[] expected = weightsOf((int) ids.get(row));
            assertThat(expected.length).isLessThanOrEqualTo(3);
            for (int i = 0; i < 3; i++) {
              assertThat(values.get(row * 3 + i)).isEqualTo(i < expected.length ? expected[i] : 0f);
            }
          }
          rowsSeen += batch.rows();
        }
      }
      skipped = iterator.stats().skippedRecords();
    }
    // 50 records, ten with four weights, dropped before the filter sees them; the filter keeps
    // 26 of the other 40.
    assertThat(skipped).isEqualTo(10);
    assertThat(rowsSeen).isEqualTo(filtered ? 26 : 40);
  }
}
