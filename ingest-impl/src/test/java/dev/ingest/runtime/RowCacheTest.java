package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.Dataset;
import dev.ingest.IngestException;
import dev.ingest.MemoryBudgetException;
import dev.ingest.PaddingSpec;
import dev.ingest.PipelineOptions;
import dev.ingest.PipelineSpec.ShardBy;
import dev.ingest.RowFilter;
import dev.ingest.RowMapper;
import dev.ingest.TransformException;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code cache()} listed after {@code parse_example}, in memory, with no shuffle after it: every
 * epoch's batches are exactly the uncached pipeline's, while the transforms before the cache run
 * once per record in all. A shuffle before the cache (a buffer over the records) and the file
 * order are replayed each epoch over the cached rows. Buffers left behind are reported by the
 * Netty leak guard (PARANOID, after the class).
 */
class RowCacheTest {
  private static final Duration GENEROUS = Duration.ofSeconds(120);
  private static final int EPOCHS = 3;
  private static final RowFilter DROP_EVERY_FOURTH = row -> row.getLong("id", 0) % 4 != 3;
  private static final RowMapper NEGATE_LAST_PAYLOAD =
      row -> row.setLong("payload", 3, -row.getLong("payload", 3));

  @TempDir static Path dir;
  static Path ids;
  static int total;

  @BeforeAll
  static void write() throws IOException {
    ids = dir.resolve("ids");
    total = IdRecords.write(ids, 90, 0, 130, 57);
    for (SampleKind kind : SampleKind.values()) {
      SampleDatasets.write(kind, dir.resolve(kind.name()), 300, 3, Compression.NONE, 11);
    }
  }

  @AfterEach
  void noPipelineThreadOutlivesItsTest() throws InterruptedException {
    assertThat(IdRecords.ingestThreadsAliveAfter(10_000)).isEmpty();
  }

  /**
   * Reading as a training job reads, up to the parse: shuffled files, an interleave and a shuffle
   * buffer, all before the cache (so each epoch replays them over the cached rows).
   */
  private static Dataset read(Path files, int threads) {
    return Dataset.tfrecord(files.toString())
        .shuffleFiles(true)
        .interleave(2, 3)
        .shuffle(40)
        .repeat(EPOCHS)
        .withOptions(PipelineOptions.defaults().withSeed(5).withThreads(threads));
  }

  /** The batch digests of {@code uncached} and of {@code cached}, which must be equal. */
  private static void assertSameBatchesEveryEpoch(Dataset uncached, Dataset cached) {
    assertThat(cached.spec().cache().holdsRows()).isTrue();
    assertThat(cached.spec().permutesCachedRows()).isFalse();
    List<String> expected = IdRecords.digests(uncached);
    List<String> actual = IdRecords.digests(cached);
    assertThat(expected).isNotEmpty();
    assertThat(expected.size() % EPOCHS).isZero();
    int perEpoch = expected.size() / EPOCHS;
    assertThat(actual).hasSameSizeAs(expected);
    for (int epoch = 0; epoch < EPOCHS; epoch++) {
      assertThat(actual.subList(epoch * perEpoch, (epoch + 1) * perEpoch)).as("epoch %s", epoch)
          .isEqualTo(expected.subList(epoch * perEpoch, (epoch + 1) * perEpoch));
    }
  }

  static Stream<Arguments> kindsAndThreads() {
    return Stream.of(SampleKind.values())
        .flatMap(kind -> Stream.of(Arguments.of(kind, 1), Arguments.of(kind, 2)));
  }

  /** Text's {@code tokens} is var-len: its batches carry row splits, not padding. */
  @ParameterizedTest(name = "{0}, {1} threads")
  @MethodSource("kindsAndThreads")
  void everyGenKindYieldsTheUncachedBatchesEpochByEpoch(SampleKind kind, int threads) {
    Dataset parsed = read(dir.resolve(kind.name()), threads).parseExample(kind.exampleSpec());
    assertSameBatchesEveryEpoch(parsed.batch(16, false), parsed.cache().batch(16, false));
  }

  @ParameterizedTest(name = "{0} threads")
  @ValueSource(ints = {1, 2})
  void paddedBatchesOfVarLenRowsAreTheUncachedOnes(int threads) {
    Dataset parsed = read(dir.resolve(SampleKind.TEXT.name()), threads)
        .parseExample(SampleKind.TEXT.exampleSpec());
    for (PaddingSpec padding : List.of(PaddingSpec.none().pad("tokens", PaddingSpec.LONGEST),
        PaddingSpec.none().pad("tokens", 600).withValue("tokens", -1L))) {
      assertSameBatchesEveryEpoch(parsed.paddedBatch(9, padding, false),
          parsed.cache().paddedBatch(9, padding, false));
    }
  }

  @ParameterizedTest(name = "{0} threads")
  @ValueSource(ints = {1, 2})
  void aFilterBeforeTheCacheAndAMapAfterItGiveTheUncachedBatches(int threads) {
    Dataset filtered = read(ids, threads).parseExample(IdRecords.SPEC)
        .filter("drop every fourth", DROP_EVERY_FOURTH);
    assertSameBatchesEveryEpoch(
        filtered.map("negate", NEGATE_LAST_PAYLOAD).batch(7, false),
        filtered.cache().map("negate", NEGATE_LAST_PAYLOAD).batch(7, false));
  }

  @ParameterizedTest(name = "{0} threads")
  @ValueSource(ints = {1, 2})
  void shardingByRecordTakesTheUncachedShareOfTheCachedRows(int threads) {
    Dataset sharded = read(ids, threads).shard(3, 2, ShardBy.RECORD).parseExample(IdRecords.SPEC);
    assertSameBatchesEveryEpoch(sharded.batch(5, false), sharded.cache().batch(5, false));
    // Each epoch takes a third of the records (which third follows the epoch's file order).
    List<Long> out = IdRecords.ids(sharded.cache().batch(5, false));
    assertThat(out).hasSize(EPOCHS * (total / 3));
    for (List<Long> epoch : IdRecords.epochs(out, total / 3)) {
      assertThat(epoch).doesNotHaveDuplicates().allMatch(id -> id >= 0 && id < total);
    }
  }

  @ParameterizedTest(name = "{0} threads")
  @ValueSource(ints = {1, 2})
  void laterEpochsAreServedByTheCacheNotTheFiles(int threads) {
    try (RunningPipeline iterator = (RunningPipeline) read(ids, threads)
        .parseExample(IdRecords.SPEC).cache().batch(7, false).iterator()) {
      while (iterator.hasNext()) {
        iterator.next().close();
      }
      // Epochs 2 and 3 took one handle per record of the files instead of the record.
      assertThat(iterator.recordsFromCache()).isEqualTo((EPOCHS - 1L) * total);
    }
  }

  /** A map before the cache runs once per record in all; one after it, once per epoch. */
  @ParameterizedTest(name = "{0} threads")
  @ValueSource(ints = {1, 2})
  void theMapBeforeTheCacheRunsOncePerRecordAndTheOneAfterItEveryEpoch(int threads) {
    for (boolean permuted : new boolean[] {false, true}) {
      AtomicLong before = new AtomicLong();
      AtomicLong after = new AtomicLong();
      Dataset dataset = read(ids, threads).repeat(5).parseExample(IdRecords.SPEC)
          .map("count before", row -> before.incrementAndGet())
          .cache()
          .map("count after", row -> after.incrementAndGet())
          .batch(7, false);
      if (permuted) {
        dataset = dataset.shuffle(10);
      }
      List<Long> out = IdRecords.ids(dataset);
      for (List<Long> epoch : IdRecords.epochs(out, total)) {
        assertThat(epoch).containsExactlyInAnyOrderElementsOf(IdRecords.range(total));
      }
      assertThat(before.get()).as("permuted: %s", permuted).isEqualTo(total);
      assertThat(after.get()).as("permuted: %s", permuted).isEqualTo(5L * total);
    }
  }

  /**
   * A map after the cache that throws on a row served from the cache (epoch 2) names the record
   * the row was parsed from, as the same map throwing in the first epoch does: the same file,
   * index and offset. With a filter before the cache a gathered chunk's rows are not its
   * handles' positions, and with a permutation they come from anywhere.
   */
  @ParameterizedTest(name = "permuted: {0}")
  @ValueSource(booleans = {false, true})
  void aFailingMapAfterTheCacheNamesTheRecordTheRowCameFrom(boolean permuted) {
    long failing = 170; // record 80 of the third file (the second is empty); kept by the filter
    TransformException firstEpoch = failureOfMapOn(failing, 1, permuted);
    assertThat(firstEpoch.file().getFileName().toString()).isEqualTo("part-00002-of-00004.tfrecord");
    assertThat(firstEpoch.record()).isEqualTo(80);
    TransformException cachedEpoch = failureOfMapOn(failing, 2, permuted);
    assertThat(cachedEpoch.transform()).isEqualTo("explode");
    assertThat(cachedEpoch.file()).isEqualTo(firstEpoch.file());
    assertThat(cachedEpoch.record()).isEqualTo(firstEpoch.record());
    assertThat(cachedEpoch.offset()).isEqualTo(firstEpoch.offset());
    assertThat(cachedEpoch.getCause()).hasMessage("boom on " + failing);
  }

  /** The failure of a map after the cache that throws the {@code time}-th time it sees {@code id}. */
  private static TransformException failureOfMapOn(long id, int time, boolean permuted) {
    AtomicLong seen = new AtomicLong();
    // Most records dropped: a gathered chunk's row is rarely at its handle's place in the unit.
    Dataset dataset = read(ids, 2).parseExample(IdRecords.SPEC)
        .filter("keep one in four", row -> row.getLong("id", 0) % 4 == 2)
        .cache()
        .map("explode", row -> {
          if (row.getLong("id", 0) == id && seen.incrementAndGet() == time) {
            throw new IllegalStateException("boom on " + id);
          }
        })
        .batch(7, false);
    Dataset run = permuted ? dataset.shuffle(10) : dataset;
    return assertTimeoutPreemptively(GENEROUS, () -> {
      IngestException failure = IdRecords.untilFailure(run).failure();
      assertThat(failure).isNotNull();
      assertThat(failure.stage()).isEqualTo("explode");
      assertThat(failure.getCause()).isInstanceOf(TransformException.class);
      return (TransformException) failure.getCause();
    });
  }

  @ParameterizedTest(name = "permuted: {0}")
  @ValueSource(booleans = {false, true})
  void aCacheTheBudgetCannotHoldFailsNamingTheCache(boolean permuted) throws IOException {
    Path many = dir.resolve("budget-" + permuted);
    IdRecords.write(many, 2000, 2000);
    // About 4,000 rows of 40 bytes of values: 160 KB of rows against a budget of 64 KiB, which
    // holds the batches in flight.
    Dataset dataset = Dataset.tfrecord(many.toString()).parseExample(IdRecords.SPEC).cache()
        .batch(16, false).prefetch(2)
        .withOptions(PipelineOptions.defaults().withThreads(1).withMemoryBudget(64 * 1024));
    Dataset tight = permuted ? dataset.shuffle(10) : dataset;
    assertTimeoutPreemptively(GENEROUS, () -> {
      IdRecords.UntilFailure run = IdRecords.untilFailure(tight);
      assertThat(run.failure()).isNotNull();
      assertThat(run.failure().getCause()).isInstanceOf(MemoryBudgetException.class)
          .hasMessageContaining("the cache")
          .hasMessageContaining("options.memory_budget");
      assertThat(run.ids().size()).isLessThan(4000);
    });
  }

  /**
   * close() while the cache fills (the first epoch, or the fill before a permuted one) and while
   * it serves (later epochs) stops every thread; a batch still held stays valid. The buffers
   * (the cache's segments and handles included) are checked by the leak guard after the class.
   */
  @ParameterizedTest(name = "permuted: {0}")
  @ValueSource(booleans = {false, true})
  void closingWhileFillingOrServingLeavesNoThreadAndNoBuffer(boolean permuted) {
    Random random = new Random(20261207);
    int batchesPerEpoch = (total + 6) / 7;
    assertTimeoutPreemptively(GENEROUS, () -> {
      for (int run = 0; run < 24; run++) {
        int threads = 1 + run % 2;
        Dataset dataset = read(ids, threads).parseExample(IdRecords.SPEC)
            .filter("drop every fourth", DROP_EVERY_FOURTH).cache()
            .map("negate", NEGATE_LAST_PAYLOAD).batch(7, false);
        if (permuted) {
          dataset = dataset.shuffle(10);
        }
        // Runs 0-7 stop in the first epoch (filling), 8-23 in the second or third (serving).
        int taken = run < 8 ? random.nextInt(batchesPerEpoch / 2)
            : batchesPerEpoch + random.nextInt(batchesPerEpoch);
        List<Batch> held = new ArrayList<>();
        try (BatchIterator iterator = dataset.iterator()) {
          for (int i = 0; i < taken; i++) {
            iterator.next().close();
          }
          if (run % 3 == 0) {
            held.add(iterator.next());
          }
        }
        assertThat(IdRecords.liveIngestThreads()).as("run %s, after %s batches", run, taken)
            .isEmpty();
        for (Batch batch : held) {
          assertThat(batch.refCnt()).isEqualTo(1);
          for (int row = 0; row < batch.rows(); row++) {
            assertThat(batch.longs("id").get(row) % 4).isNotEqualTo(3);
          }
          batch.close();
        }
      }
    });
  }
}
