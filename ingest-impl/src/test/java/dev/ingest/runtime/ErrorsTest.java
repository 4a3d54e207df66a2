package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ingest.BatchIterator;
import dev.ingest.CorruptRecordException;
import dev.ingest.CorruptionPolicy;
import dev.ingest.Dataset;
import dev.ingest.IngestException;
import dev.ingest.InvalidExampleException;
import dev.ingest.PipelineOptions;
import dev.ingest.RecordProblem;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.TFRecordWriter;
import dev.ingest.tfrecord.example.ExampleEncoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad data reaches the consumer as a typed failure naming the stage, and nothing hangs. */
class ErrorsTest {
  private static final Duration GENEROUS = Duration.ofSeconds(60);
  @TempDir Path dir;

  @AfterEach
  void noPipelineThreadOutlivesItsTest() throws InterruptedException {
    assertThat(IdRecords.ingestThreadsAliveAfter(10_000)).isEmpty();
  }

  @ParameterizedTest(name = "{0} threads")
  @ValueSource(ints = {1, 4})
  void aBadDataCrcFailsTheReadStageNamingTheFile(int threads) throws IOException {
    int total = IdRecords.write(dir, 40, 60, 30);
    Path damaged = dir.resolve("part-00001-of-00003.tfrecord");
    flipPayloadByte(damaged, 25);
    Dataset dataset = Dataset.tfrecord(dir.toString())
        .parseExample(IdRecords.SPEC)
        .shuffleFiles(false)
        .batch(8, false)
        .withOptions(PipelineOptions.defaults().withThreads(threads));
    assertTimeoutPreemptively(GENEROUS, () -> {
      IdRecords.UntilFailure run = IdRecords.untilFailure(dataset);
      List<Long> seen = run.ids();
      IngestException failure = run.failure();
      assertThat(failure).as("the run fails").isNotNull();
      assertThat(failure.stage()).isEqualTo("read");
      assertThat(failure.getCause()).isInstanceOf(CorruptRecordException.class);
      RecordProblem problem = ((CorruptRecordException) failure.getCause()).problem();
      assertThat(problem.kind()).isEqualTo(RecordProblem.Kind.DATA_CRC);
      assertThat(problem.file().getFileName()).isEqualTo(damaged.getFileName());
      assertThat(problem.recordIndex()).isEqualTo(25);
      assertThat(failure.getCause().getMessage()).contains(damaged.getFileName().toString());
      assertThat(seen).doesNotContain(40L + 25).hasSizeLessThan(total);
    });
  }

  @Test
  void skipDropsTheDamagedRecordAndFinishes() throws IOException {
    int total = IdRecords.write(dir, 40, 60, 30);
    flipPayloadByte(dir.resolve("part-00001-of-00003.tfrecord"), 25);
    Dataset dataset = Dataset.tfrecord(dir.toString())
        .parseExample(IdRecords.SPEC)
        .onCorrupt(CorruptionPolicy.SKIP)
        .interleave(2, 3)
        .shuffle(20)
        .batch(8, false)
        .repeat(2)
        .withOptions(PipelineOptions.defaults().withThreads(2));
    List<Long> expected = new ArrayList<>(IdRecords.range(total));
    expected.remove(Long.valueOf(40 + 25));
    assertTimeoutPreemptively(GENEROUS, () -> {
      List<List<Long>> epochs = IdRecords.epochs(IdRecords.ids(dataset), total - 1);
      assertThat(epochs).hasSize(2);
      for (List<Long> epoch : epochs) {
        assertThat(epoch).containsExactlyInAnyOrderElementsOf(expected);
      }
      try (dev.ingest.BatchIterator batches = dataset.iterator()) {
        while (batches.hasNext()) {
          batches.next().close();
        }
        // The bad record is met once per epoch.
        assertThat(batches.stats().skippedRecords()).isEqualTo(2);
      }
    });
  }

  @ParameterizedTest(name = "{0} threads")
  @ValueSource(ints = {1, 3})
  void aMissingRequiredFeatureFailsParseExampleNamingTheFeature(int threads) throws IOException {
    Path file = dir.resolve("missing.tfrecord");
    ExampleEncoder encoder = new ExampleEncoder();
    try (TFRecordWriter writer = TFRecordWriter.open(file, Compression.NONE)) {
      for (int id = 0; id < 100; id++) {
        encoder.clear().putInt64("id", id);
        if (id != 57) {
          encoder.putInt64s("payload", new long[] {id * 3L, id * 5L, id * 7L, -id});
        }
        writer.write(encoder.toByteArray());
      }
    }
    Dataset dataset = Dataset.tfrecord(file.toString())
        .parseExample(IdRecords.SPEC)
        .batch(10, false)
        .withOptions(PipelineOptions.defaults().withThreads(threads));
    assertTimeoutPreemptively(GENEROUS, () -> {
      List<Long> seen = new ArrayList<>();
      IngestException failure;
      try (BatchIterator iterator = dataset.iterator()) {
        failure = catchThrowableOfType(IngestException.class, () -> {
          while (iterator.hasNext()) {
            try (var batch = iterator.next()) {
              seen.addAll(IdRecords.ids(batch));
            }
          }
        });
        // The failure is final: the iterator does not go on past it.
        assertThat(iterator.hasNext()).isFalse();
      }
      assertThat(failure).isNotNull();
      assertThat(failure.stage()).isEqualTo("parse_example");
      assertThat(failure.getCause()).isInstanceOf(InvalidExampleException.class);
      InvalidExampleException invalid = (InvalidExampleException) failure.getCause();
      assertThat(invalid.feature()).isEqualTo("payload");
      assertThat(invalid.reason()).isEqualTo(InvalidExampleException.Reason.MISSING);
      assertThat(invalid.getMessage()).contains("payload");
      // Batches come out in order, so everything before the bad record's batch was delivered.
      assertThat(seen).isEqualTo(IdRecords.range(50));
    });
  }

  @Test
  void aTruncatedFileFailsTheReadOrUnderSkipLosesOnlyItsTail() throws IOException {
    int total = IdRecords.write(dir, 40, 60, 30);
    Path cut = dir.resolve("part-00000-of-00003.tfrecord");
    byte[] bytes = Files.readAllBytes(cut);
    // Cut inside the payload of the last record: the file ends early, its first 39 records stand.
    Files.write(cut, Arrays.copyOf(bytes, bytes.length - 10));
    Dataset dataset = Dataset.tfrecord(dir.toString())
        .parseExample(IdRecords.SPEC)
        .batch(8, false)
        .withOptions(PipelineOptions.defaults().withThreads(2));
    assertTimeoutPreemptively(GENEROUS, () -> {
      IngestException failure = catchThrowableOfType(IngestException.class,
          () -> IdRecords.ids(dataset));
      assertThat(failure).isNotNull();
      assertThat(failure.stage()).isEqualTo("read");
      RecordProblem problem = ((CorruptRecordException) failure.getCause()).problem();
      assertThat(problem.kind()).isEqualTo(RecordProblem.Kind.TRUNCATED);
      assertThat(problem.file().getFileName()).isEqualTo(cut.getFileName());

      List<Long> expected = new ArrayList<>(IdRecords.range(total));
      expected.remove(Long.valueOf(39));
      assertThat(IdRecords.ids(dataset.onCorrupt(CorruptionPolicy.SKIP).repeat(2)))
          .hasSize(2 * (total - 1))
          .containsAll(expected)
          .doesNotContain(39L);
    });
  }

  @Test
  void anEndlessRepeatOfOnlyCorruptRecordsEndsUnderSkip() throws IOException {
    IdRecords.write(dir, 6);
    Path file = dir.resolve("part-00000-of-00001.tfrecord");
    for (int index = 0; index < 6; index++) {
      flipPayloadByte(file, index);
    }
    Dataset dataset = Dataset.tfrecord(file.toString())
        .parseExample(IdRecords.SPEC)
        .onCorrupt(CorruptionPolicy.SKIP)
        .batch(4, false)
        .repeat(-1);
    assertTimeoutPreemptively(GENEROUS, () -> assertThat(IdRecords.ids(dataset)).isEmpty());
  }

  /** Flips one payload byte of record {@code index}, leaving its framing intact. */
  private static void flipPayloadByte(Path file, int index) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer view = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int position = 0;
    for (int i = 0; i < index; i++) {
      position += 12 + (int) view.getLong(position) + 4;
    }
    bytes[position + 12 + 2] ^= 0x40;
    Files.write(file, bytes);
  }
}
