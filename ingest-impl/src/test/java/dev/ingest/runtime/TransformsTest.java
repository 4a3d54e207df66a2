package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.BurnCpu;
import dev.ingest.DType;
import dev.ingest.Dataset;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import dev.ingest.IngestException;
import dev.ingest.PaddingSpec;
import dev.ingest.PipelineOptions;
import dev.ingest.RowFilter;
import dev.ingest.TransformException;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.TFRecordWriter;
import dev.ingest.tfrecord.example.ExampleEncoder;
import java.io.IOException;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * User map, filter and batch transforms: they see and change the parsed rows, filters leave
 * batches full, output is the same at any thread count, and a transform that throws is named at
 * the consumer with the record it failed on.
 */
class TransformsTest {
  private static final Duration GENEROUS = Duration.ofSeconds(60);
  /** Keeps the records whose id is a multiple of 3: two in three records go. */
  private static final RowFilter MULTIPLES_OF_THREE = row -> row.getLong("id", 0) % 3 == 0;

  @TempDir static Path dir;
  static int total;

  @BeforeAll
  static void write() throws IOException {
    total = IdRecords.write(dir.resolve("ids"), 70, 45, 101);
  }

  @AfterEach
  void noPipelineThreadOutlivesItsTest() throws InterruptedException {
    assertThat(IdRecords.ingestThreadsAliveAfter(10_000)).isEmpty();
  }

  private static Dataset ids() {
    return Dataset.tfrecord(dir.resolve("ids").toString())
        .shuffleFiles(false)
        .interleave(1, 1)
        .parseExample(IdRecords.SPEC);
  }

  @Test
  void aMapChangesEveryRowInPlace() {
    // The payload still says which record the row was: its last value is minus the old id.
    List<List<Long>> batches = new ArrayList<>();
    Dataset dataset = ids()
        .map("shift", row -> row.setLong("id", 0, row.getLong("id", 0) + 1000))
        .batch(16, false);
    try (BatchIterator iterator = dataset.iterator()) {
      while (iterator.hasNext()) {
        try (Batch batch = iterator.next()) {
          List<Long> ids = new ArrayList<>();
          LongBuffer idColumn = batch.longs("id");
          LongBuffer payload = batch.longs("payload");
          for (int row = 0; row < batch.rows(); row++) {
            assertThat(idColumn.get(row) - 1000).isEqualTo(-payload.get(4 * row + 3));
            ids.add(idColumn.get(row));
          }
          batches.add(ids);
        }
      }
    }
    assertThat(batches.stream().flatMap(List::stream).collect(Collectors.toList()))
        .isEqualTo(IdRecords.range(total).stream().map(id -> id + 1000).collect(Collectors.toList()));
  }

  @ParameterizedTest(name = "{0} threads")
  @ValueSource(ints = {1, 2, 4})
  void aFilterKeepsBatchesFullAndTheOrderOfWhatPasses(int threads) {
    List<List<Long>> batches = IdRecords.batches(ids()
        .filter("thirds", MULTIPLES_OF_THREE)
        .batch(7, false)
        .prefetch(2)
        .withOptions(PipelineOptions.defaults().withThreads(threads)));

    List<Long> expected = IdRecords.range(total).stream().filter(id -> id % 3 == 0)
        .collect(Collectors.toList());
    assertThat(batches.stream().flatMap(List::stream).collect(Collectors.toList()))
        .isEqualTo(expected);
    assertThat(expected.size() % 7).as("the data leaves a short last batch").isPositive();
    for (int i = 0; i < batches.size() - 1; i++) {
      assertThat(batches.get(i)).as("batch %s", i).hasSize(7);
    }
    assertThat(batches.get(batches.size() - 1)).hasSize(expected.size() % 7);
  }

  @Test
  void filteredBatchesNeverSpanEpochsAndDropRemainderDropsEachEpochsShortBatch() {
    int kept = (int) IdRecords.range(total).stream().filter(id -> id % 3 == 0).count();
    List<List<Long>> keep = IdRecords.batches(ids()
        .filter(MULTIPLES_OF_THREE).batch(7, false).repeat(2));
    List<List<Long>> drop = IdRecords.batches(ids()
        .filter(MULTIPLES_OF_THREE).batch(7, true).repeat(2));

    int perEpoch = (kept + 6) / 7;
    assertThat(kept % 7).as("the data leaves a short last batch").isPositive();
    assertThat(keep).hasSize(2 * perEpoch);
    assertThat(keep.get(perEpoch - 1)).hasSize(kept % 7);
    assertThat(keep.get(perEpoch).get(0)).as("epoch 2 starts a new batch").isZero();
    assertThat(drop).hasSize(2 * (kept / 7)).allSatisfy(batch -> assertThat(batch).hasSize(7));
  }

  @Test
  void skipAndTakeCountFilteredBatches() {
    List<List<Long>> all = IdRecords.batches(ids().filter(MULTIPLES_OF_THREE).batch(5, false));
    List<List<Long>> some = IdRecords.batches(ids().filter(MULTIPLES_OF_THREE).batch(5, false)
        .skip(2).take(3));
    assertThat(some).isEqualTo(all.subList(2, 5));
    assertThat(IdRecords.batches(ids().filter(MULTIPLES_OF_THREE).batch(5, false).take(0)))
        .isEmpty();
  }

  @ParameterizedTest(name = "{0} threads")
  @ValueSource(ints = {1, 2, 4})
  void shuffledFilteredMappedPipelinesAreTheSameAtAnyThreadCount(int threads) {
    Dataset dataset = Dataset.tfrecord(dir.resolve("ids").toString())
        .interleave(2, 3)
        .parseExample(IdRecords.SPEC)
        .map("double payload", row -> {
          for (int i = 0; i < row.length("payload"); i++) {
            row.setLong("payload", i, 2 * row.getLong("payload", i));
          }
        })
        .filter(row -> row.getLong("id", 0) % 4 != 1)
        .shuffle(40)
        .batch(7, false)
        .repeat(2)
        .withOptions(PipelineOptions.defaults().withSeed(11).withThreads(threads));
    List<String> digests = IdRecords.digests(dataset);
    List<String> oneThread = IdRecords.digests(
        dataset.withOptions(PipelineOptions.defaults().withSeed(11).withThreads(1)));
    assertThat(digests).isEqualTo(oneThread).isNotEmpty();
  }

  @Test
  void everyRecordThatPassesComesOutOncePerEpochWhenShuffled() {
    List<Long> out = IdRecords.ids(Dataset.tfrecord(dir.resolve("ids").toString())
        .parseExample(IdRecords.SPEC)
        .filter(MULTIPLES_OF_THREE)
        .shuffle(30)
        .batch(8, false)
        .repeat(3)
        .withOptions(PipelineOptions.defaults().withThreads(2)));
    List<Long> expected = IdRecords.range(total).stream().filter(id -> id % 3 == 0)
        .collect(Collectors.toList());
    for (List<Long> epoch : IdRecords.epochs(out, expected.size())) {
      assertThat(epoch).containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  @Test
  void batchTransformsSeeWholeBatchesWithAndWithoutFilters() {
    for (boolean filtered : new boolean[] {false, true}) {
      Dataset dataset = ids();
      if (filtered) {
        dataset = dataset.filter(MULTIPLES_OF_THREE);
      }
      dataset = dataset.batch(10, false).mapBatches("negate ids", batch -> {
        LongBuffer values = batch.mutableLongs("id");
        for (int i = 0; i < batch.rows(); i++) {
          values.put(i, -values.get(i));
        }
      });
      List<Long> out = new ArrayList<>();
      try (BatchIterator iterator = dataset.iterator()) {
        while (iterator.hasNext()) {
          try (Batch batch = iterator.next()) {
            for (int row = 0; row < batch.rows(); row++) {
              out.add(batch.longs("id").get(row));
            }
          }
        }
      }
      List<Long> expected = IdRecords.range(total).stream()
          .filter(id -> !filtered || id % 3 == 0).map(id -> -id).collect(Collectors.toList());
      assertThat(out).as("filtered: %s", filtered).isEqualTo(expected);
    }
  }

  @ParameterizedTest(name = "{0} threads")
  @ValueSource(ints = {1, 3})
  void aMapThatThrowsIsNamedAtTheConsumerWithItsRecord(int threads) {
    Dataset dataset = ids()
        .map("explode at 80", row -> {
          if (row.getLong("id", 0) == 80) {
            throw new IllegalStateException("boom");
          }
        })
        .filter(MULTIPLES_OF_THREE)
        .batch(4, false)
        .withOptions(PipelineOptions.defaults().withThreads(threads));
    assertTimeoutPreemptively(GENEROUS, () -> {
      IdRecords.UntilFailure run = IdRecords.untilFailure(dataset);
      List<Long> seen = run.ids();
      IngestException failure = run.failure();
      assertThat(failure).isNotNull();
      assertThat(failure.stage()).isEqualTo("explode at 80");
      TransformException cause = (TransformException) failure.getCause();
      assertThat(cause.transform()).isEqualTo("explode at 80");
      // Record 80 is the 11th of the second file (70 records in the first).
      assertThat(cause.file().getFileName().toString()).isEqualTo("part-00001-of-00003.tfrecord");
      assertThat(cause.record()).isEqualTo(10);
      assertThat(cause.getCause()).hasMessage("boom");
      assertThat(seen).allSatisfy(id -> assertThat(id).isLessThan(80));
    });
  }

  @Test
  void aBatchTransformThatThrowsIsNamedAtTheConsumer() {
    for (boolean filtered : new boolean[] {false, true}) {
      Dataset dataset = filtered ? ids().filter(MULTIPLES_OF_THREE) : ids();
      Dataset failing = dataset.batch(4, false).mapBatches("bad batch", batch -> {
        throw new ArithmeticException("no");
      });
      assertTimeoutPreemptively(GENEROUS, () -> {
        try (BatchIterator iterator = failing.iterator()) {
          IngestException failure = catchThrowableOfType(IngestException.class, iterator::hasNext);
          assertThat(failure.stage()).isEqualTo("bad batch");
          assertThat(failure.getCause()).isInstanceOf(ArithmeticException.class);
        }
      });
    }
  }

  @Test
  void mapsBeforePaddedBatchSeeUnpaddedRowsAndFiltersPadToTheAssembledBatch() throws IOException {
    Path text = dir.resolve("text");
    Files.createDirectories(text);
    ExampleEncoder encoder = new ExampleEncoder();
    try (TFRecordWriter writer = TFRecordWriter.open(text.resolve("t.tfrecord"), Compression.NONE)) {
      for (int id = 0; id < 30; id++) {
        long[] tokens = new long[id % 7 + 1];
        java.util.Arrays.fill(tokens, id);
        writer.write(encoder.clear().putInt64("id", id).putInt64s("tokens", tokens).toByteArray());
      }
    }
    ExampleSpec spec = ExampleSpec.of(
        FeatureSpec.fixed("id", DType.INT64), FeatureSpec.varLen("tokens", DType.INT64));
    List<Integer> rowLengthsSeen = java.util.Collections.synchronizedList(new ArrayList<>());
    Dataset dataset = Dataset.tfrecord(text.toString())
        .parseExample(spec)
        .map("lengths", row -> rowLengthsSeen.add(row.length("tokens")))
        .filter(row -> row.getLong("id", 0) % 2 == 0)
        .paddedBatch(4, new PaddingSpec(Map.of("tokens", PaddingSpec.LONGEST), Map.of("tokens", -1L)),
            false);
    List<long[]> rows = new ArrayList<>();
    List<Integer> widths = new ArrayList<>();
    try (BatchIterator iterator = dataset.iterator()) {
      while (iterator.hasNext()) {
        try (Batch batch = iterator.next()) {
          int width = batch.column("tokens").rowShape().get(0);
          widths.add(width);
          LongBuffer tokens = batch.longs("tokens");
          for (int row = 0; row < batch.rows(); row++) {
            long[] values = new long[width];
            tokens.position(row * width);
            tokens.get(values);
            rows.add(values);
          }
        }
      }
    }
    assertThat(rowLengthsSeen).hasSize(30).allSatisfy(length -> assertThat(length).isBetween(1, 7));
    assertThat(rows).hasSize(15);
    for (int i = 0; i < rows.size(); i++) {
      long id = 2L * i;
      int length = (int) (id % 7 + 1);
      long[] row = rows.get(i);
      for (int t = 0; t < row.length; t++) {
        assertThat(row[t]).as("row %s token %s", id, t).isEqualTo(t < length ? id : -1L);
      }
    }
    // Batch i holds ids 8i, 8i+2, 8i+4, 8i+6: padded to the longest of those rows, not of a chunk.
    for (int b = 0; b < widths.size(); b++) {
      int longest = 0;
      for (int k = 0; k < 4 && 4 * b + k < 15; k++) {
        longest = Math.max(longest, (int) ((8L * b + 2L * k) % 7 + 1));
      }
      assertThat(widths.get(b)).as("batch %s", b).isEqualTo(longest);
    }
  }

  @Test
  void burnCpuChangesNothing() {
    List<String> plain = IdRecords.digests(ids().batch(32, false));
    List<String> burnt = IdRecords.digests(ids().map(BurnCpu.NAME, new BurnCpu(2)).batch(32, false));
    assertThat(burnt).isEqualTo(plain);
  }

  @Test
  void theBatchStageIsReportedWhenFiltersAssembleBatches() {
    try (BatchIterator iterator = ids().filter(MULTIPLES_OF_THREE).batch(4, false).iterator()) {
      while (iterator.hasNext()) {
        iterator.next().close();
      }
      assertThat(iterator.metrics().stages()).extracting(s -> s.name())
          .containsExactly("read", "parse_example", "filter", "batch", "consumer");
      assertThat(iterator.metrics().stages().get(3).elements()).isPositive();
    }
  }

  @Test
  void theParseStagesLatencyPercentilesCountTheMapsWork() {
    // 16 records of at least 200 µs of busy work each: no batch parses in under 3.2 ms.
    try (BatchIterator iterator = ids().map(BurnCpu.NAME, new BurnCpu(200)).batch(16, false)
        .withOptions(PipelineOptions.defaults().withThreads(2)).iterator()) {
      while (iterator.hasNext()) {
        iterator.next().close();
      }
      var parse = iterator.metrics().stages().get(1);
      assertThat(parse.name()).isEqualTo("parse_example");
      assertThat(parse.latencyP50Micros()).isGreaterThanOrEqualTo(3200);
      assertThat(parse.latencyP99Micros()).isGreaterThanOrEqualTo(parse.latencyP50Micros());
      assertThat(parse.queueFill()).isBetween(0.0, 1.0);
    }
  }
}
