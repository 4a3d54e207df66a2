package dev.ingest.runtime;

import static dev.ingest.runtime.DamagedRecords.flipByte;
import static dev.ingest.runtime.DamagedRecords.problemTheReaderReports;
import static dev.ingest.runtime.DamagedRecords.recordLength;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.CorruptRecordException;
import dev.ingest.CorruptionPolicy;
import dev.ingest.Dataset;
import dev.ingest.IngestException;
import dev.ingest.PipelineOptions;
import dev.ingest.PipelineSpec.SourceSpec;
import dev.ingest.PipelineSpec;
import dev.ingest.RecordProblem;
import dev.ingest.runtime.stage.SourceTask;
import dev.ingest.tfrecord.Compression;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Under the {@code fail} policy the parse workers, not the readers, check the data CRC of each
 * record shorter than {@link SourceTask#CHECK_HERE_FROM_BYTES}; the source checks the longer ones
 * as it stages them. A corrupt record must still reach the consumer as the reader's own failure,
 * as the read stage, after exactly the batches before the bad record's batch, whatever the thread
 * count, with or without a shuffle, and whichever thread checked it; records that leave unparsed
 * are still checked.
 */
class DeferredDataCrcTest {
  private static final Duration GENEROUS = Duration.ofSeconds(60);
  /** Files of 40, 60 and 30 records: 17 batches of 8 with a short last one. */
  private static final int[] RECORDS_PER_FILE = {40, 60, 30};
  private static final String DAMAGED = "part-00001-of-00003.tfrecord";
  /** The damaged record's index in {@link #DAMAGED}, and its id. */
  private static final int BAD_INDEX = 25;
  private static final long BAD_ID = 40 + BAD_INDEX;

  @TempDir Path dir;

  @AfterEach
  void noPipelineThreadOutlivesItsTest() throws InterruptedException {
    assertThat(IdRecords.ingestThreadsAliveAfter(10_000)).isEmpty();
  }

  @ParameterizedTest(name = "{0} threads, shuffle buffer {1}, damaged {2}, long records {3}")
  @CsvSource({"1, 0, payload, none", "2, 0, payload, none", "1, 0, stored-crc, none",
      "2, 0, stored-crc, none", "1, 20, payload, none", "2, 20, payload, none",
      "2, 50, stored-crc, none", "4, 20, payload, none",
      // Long records are checked by the source; every other one: batches mix both kinds.
      "1, 0, payload, all", "2, 20, stored-crc, all", "2, 0, payload, alternate",
      "1, 20, stored-crc, alternate"})
  void aCorruptRecordFailsTheReadStageAfterExactlyTheBatchesBeforeIt(
      int threads, int shuffleBuffer, String damage, String longRecords) throws IOException {
    int paddedEvery = switch (longRecords) {
      case "all" -> 1;
      case "alternate" -> 2;
      default -> 0;
    };
    IdRecords.writePadded(dir, Compression.NONE, SourceTask.CHECK_HERE_FROM_BYTES, paddedEvery,
        RECORDS_PER_FILE);
    Dataset unseeded = Dataset.tfrecord(dir.toString())
        .parseExample(IdRecords.SPEC)
        .shuffleFiles(false)
        .interleave(2, 3)
        .shuffle(shuffleBuffer)
        .batch(8, false);
    Dataset dataset = unseeded;
    // The first seed from 11 that shuffles the bad record into neither the first nor the last batch.
    List<List<Long>> clean = null;
    int badBatch = -1;
    for (long seed = 11; badBatch <= 0 || badBatch >= clean.size() - 1; seed++) {
      dataset = unseeded.withOptions(
          PipelineOptions.defaults().withThreads(threads).withSeed(seed));
      clean = IdRecords.batches(dataset);
      badBatch = batchHolding(clean, BAD_ID);
    }
    Dataset seeded = dataset;
    List<List<Long>> before = clean.subList(0, badBatch);

    Path damaged = dir.resolve(DAMAGED);
    if (damage.equals("payload")) {
      flipByte(damaged, BAD_INDEX, 12 + 2);
    } else {
      flipByte(damaged, BAD_INDEX, 12 + recordLength(damaged, BAD_INDEX) + 1);
    }
    RecordProblem expected = problemTheReaderReports(damaged);

    assertTimeoutPreemptively(GENEROUS, () -> {
      List<List<Long>> seen = new ArrayList<>();
      IngestException failure;
      try (BatchIterator iterator = seeded.iterator()) {
        failure = catchThrowableOfType(IngestException.class, () -> {
          while (iterator.hasNext()) {
            try (Batch batch = iterator.next()) {
              seen.add(IdRecords.ids(batch));
            }
          }
        });
        assertThat(iterator.hasNext()).as("the failure is final").isFalse();
      }
      assertThat(failure).as("the run fails").isNotNull();
      assertThat(failure.stage()).isEqualTo("read");
      assertThat(failure.getCause()).isInstanceOf(CorruptRecordException.class);
      RecordProblem problem = ((CorruptRecordException) failure.getCause()).problem();
      assertThat(problem.kind()).isEqualTo(RecordProblem.Kind.DATA_CRC);
      assertThat(problem.file()).isEqualTo(damaged);
      assertThat(problem.offset()).isEqualTo(expected.offset());
      assertThat(problem.recordIndex()).isEqualTo(BAD_INDEX);
      assertThat(problem).as("the very problem the reader reports").isEqualTo(expected);
      assertThat(failure.getCause().getMessage()).isEqualTo(expected.describe());
      assertThat(seen).as("the batches before the bad record's batch, and no other")
          .isEqualTo(before);
    });
  }

  @Test
  void aCorruptRecordInASkippedBatchStillFailsTheRun() throws IOException {
    IdRecords.write(dir, RECORDS_PER_FILE);
    Dataset dataset = Dataset.tfrecord(dir.toString())
        .parseExample(IdRecords.SPEC)
        .shuffleFiles(false)
        .batch(8, false)
        .withOptions(PipelineOptions.defaults().withThreads(2));
    int badBatch = batchHolding(IdRecords.batches(dataset), BAD_ID);
    flipByte(dir.resolve(DAMAGED), BAD_INDEX, 12 + 2);

    assertTimeoutPreemptively(GENEROUS, () -> {
      List<Long> seen = new ArrayList<>();
      IngestException failure = catchThrowableOfType(IngestException.class,
          () -> seen.addAll(IdRecords.ids(dataset.skip(badBatch + 1))));
      assertThat(failure).isNotNull();
      assertThat(failure.stage()).isEqualTo("read");
      RecordProblem problem = ((CorruptRecordException) failure.getCause()).problem();
      assertThat(problem.kind()).isEqualTo(RecordProblem.Kind.DATA_CRC);
      assertThat(problem.recordIndex()).isEqualTo(BAD_INDEX);
      assertThat(seen).isEmpty();
    });
  }

  @Test
  void aCorruptRecordInADroppedRemainderStillFailsTheRun() throws IOException {
    IdRecords.write(dir, RECORDS_PER_FILE);
    Path last = dir.resolve("part-00002-of-00003.tfrecord");
    Dataset dataset = Dataset.tfrecord(dir.toString())
        .parseExample(IdRecords.SPEC)
        .shuffleFiles(false)
        .interleave(1, 1)
        .batch(8, true)
        .withOptions(PipelineOptions.defaults().withThreads(2));
    // 130 records in file order: 16 full batches, then ids 128 and 129 (the last file's 28 and
    // 29) are the dropped remainder.
    flipByte(last, 29, 12 + 2);

    assertTimeoutPreemptively(GENEROUS, () -> {
      IdRecords.UntilFailure run = IdRecords.untilFailure(dataset);
      List<Long> seen = run.ids();
      IngestException failure = run.failure();
      assertThat(failure).isNotNull();
      assertThat(failure.stage()).isEqualTo("read");
      RecordProblem problem = ((CorruptRecordException) failure.getCause()).problem();
      assertThat(problem.file()).isEqualTo(last);
      assertThat(problem.recordIndex()).isEqualTo(29);
      assertThat(seen).isEqualTo(IdRecords.range(128));
    });
  }

  @Test
  void skipStillDropsOnlyTheCorruptRecord() throws IOException {
    int total = IdRecords.write(dir, RECORDS_PER_FILE);
    flipByte(dir.resolve(DAMAGED), BAD_INDEX, 12 + 2);
    Dataset dataset = Dataset.tfrecord(dir.toString())
        .parseExample(IdRecords.SPEC)
        .onCorrupt(CorruptionPolicy.SKIP)
        .shuffleFiles(false)
        .interleave(1, 1)
        .batch(8, false)
        .withOptions(PipelineOptions.defaults().withThreads(2));
    List<Long> expected = new ArrayList<>(IdRecords.range(total));
    expected.remove(Long.valueOf(BAD_ID));
    assertTimeoutPreemptively(GENEROUS, () -> {
      List<List<Long>> batches = IdRecords.batches(dataset);
      // Checked at the source, the record never takes a place in a batch: full batches of 8.
      assertThat(batches.stream().flatMap(List::stream)).containsExactlyElementsOf(expected);
      assertThat(batches.subList(0, batches.size() - 1)).allSatisfy(
          batch -> assertThat(batch).hasSize(8));
    });
  }

  @Test
  void withCrcsOffADamagedStoredCrcIsNotChecked() throws IOException {
    int total = IdRecords.write(dir, RECORDS_PER_FILE);
    Path damaged = dir.resolve(DAMAGED);
    flipByte(damaged, BAD_INDEX, 12 + recordLength(damaged, BAD_INDEX) + 1);
    PipelineSpec checked = Dataset.tfrecord(dir.toString())
        .parseExample(IdRecords.SPEC)
        .shuffleFiles(false)
        .batch(8, false)
        .withOptions(PipelineOptions.defaults().withThreads(2))
        .spec();
    SourceSpec source = checked.source();
    PipelineSpec unchecked = new PipelineSpec(new SourceSpec(source.files(),
        source.compression(), false, source.onCorrupt(), source.numShards(), source.shardIndex(),
        source.shardBy(), source.shuffleFiles(), source.cycleLength(), source.blockLength()),
        checked.features(), checked.transforms(), checked.shuffleBufferSize(),
        checked.reshuffleEachIteration(),
        checked.batchSize(), checked.dropRemainder(), checked.padding(), checked.prefetch(),
        checked.epochs(), checked.skip(), checked.take(), checked.cache(), checked.options());

    assertTimeoutPreemptively(GENEROUS, () -> {
      List<Long> ids = new ArrayList<>();
      try (BatchIterator iterator = new DisruptorRuntime().start(unchecked)) {
        while (iterator.hasNext()) {
          try (Batch batch = iterator.next()) {
            ids.addAll(IdRecords.ids(batch));
          }
        }
      }
      assertThat(ids).containsExactlyInAnyOrderElementsOf(IdRecords.range(total));
      IngestException failure = catchThrowableOfType(IngestException.class, () -> {
        try (BatchIterator iterator = new DisruptorRuntime().start(checked)) {
          while (iterator.hasNext()) {
            iterator.next().close();
          }
        }
      });
      assertThat(failure).as("the same files with CRCs checked fail").isNotNull();
    });
  }

  private static int batchHolding(List<List<Long>> batches, long id) {
    for (int batch = 0; batch < batches.size(); batch++) {
      if (batches.get(batch).contains(id)) {
        return batch;
      }
    }
    throw new AssertionError("no batch holds record " + id);
  }
}
