package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ingest.Batch;
import dev.ingest.BatchDigest;
import dev.ingest.BatchIterator;
import dev.ingest.CorruptionPolicy;
import dev.ingest.Dataset;
import dev.ingest.IngestException;
import dev.ingest.InvalidExampleException;
import dev.ingest.PipelineOptions;
import dev.ingest.PipelineSpec;
import dev.ingest.PipelineState;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.TFRecordWriter;
import dev.ingest.tfrecord.example.ExampleEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Records whose framing is sound (both CRCs right) but whose payload is not a valid Example for
 * the spec. Under {@code on_corrupt: fail} the first one fails the run with the parser's typed
 * error; under {@code skip} each is dropped and counted, as tf.data's {@code ignore_errors}
 * drops them, and the batches are refilled from the records after it: every batch stays full.
 */
class InvalidExamplesTest {
  private static final int FILES = 3;
  private static final int PER_FILE = 70;
  private static final int TOTAL = FILES * PER_FILE;
  private static final int BATCH = 8;

  /**
   * Ids whose records are bad, each a different way: bytes that are not protobuf at all, a
   * missing required feature after a valid one (so the parser rewinds a row it half wrote), a
   * fixed feature with too few values, and a feature of the wrong type; two bad records in one
   * batch; and a bad record as a file's first and last.
   */
  private static final Set<Long> BAD = Set.of(0L, 5L, 6L, 69L, 70L, 100L, 139L, 201L);

  @TempDir Path dir;
  /** The same files with every record valid: what the order would be without the bad ones. */
  @TempDir Path allValid;

  private void writeRecords() throws IOException {
    writeRecords(dir, BAD);
    writeRecords(allValid, Set.of());
  }

  private static void writeRecords(Path dir, Set<Long> bad) throws IOException {
    Files.createDirectories(dir);
    ExampleEncoder encoder = new ExampleEncoder();
    long id = 0;
    for (int file = 0; file < FILES; file++) {
      Path path = dir.resolve(String.format("part-%05d-of-%05d.tfrecord", file, FILES));
      try (TFRecordWriter writer = TFRecordWriter.open(path, Compression.NONE)) {
        for (int i = 0; i < PER_FILE; i++, id++) {
          writer.write(recordFor(encoder, id, bad.contains(id)));
        }
      }
    }
  }

  private static byte[] recordFor(ExampleEncoder encoder, long id, boolean bad) {
    encoder.clear().putInt64("id", id);
    long[] payload = {id * 3L, id * 5L, id * 7L, -id};
    if (!bad) {
      return encoder.putInt64s("payload", payload).toByteArray();
    }
    switch ((int) (id % 4)) {
      case 0: // not protobuf: a length-delimited field that runs past the end
        return new byte[] {0x0A, 0x7F, 0x01, 0x02};
      case 1: // payload missing, after id was parsed into its column
        return encoder.toByteArray();
      case 2: // payload with three values where the spec says four
        return encoder.putInt64s("payload", new long[] {1, 2, 3}).toByteArray();
      default: // payload of the wrong type
        return encoder.putFloats("payload", new float[] {1f, 2f, 3f, 4f}).toByteArray();
    }
  }

  private Dataset dataset(int threads) {
    return dataset(dir, threads);
  }

  private static Dataset dataset(Path dir, int threads) {
    return Dataset.tfrecord(dir.toString())
        .onCorrupt(CorruptionPolicy.SKIP)
        .parseExample(IdRecords.SPEC)
        .batch(BATCH, false)
        .withOptions(PipelineOptions.defaults().withThreads(threads));
  }

  private static List<Long> good() {
    List<Long> good = new ArrayList<>();
    for (long id = 0; id < TOTAL; id++) {
      if (!BAD.contains(id)) {
        good.add(id);
      }
    }
    return good;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4})
  void skipDropsEachInvalidRecordCountsItAndKeepsEveryBatchFull(int threads) throws IOException {
    writeRecords();
    List<List<Long>> batches = new ArrayList<>();
    long skipped;
    try (BatchIterator iterator = dataset(threads).iterator()) {
      while (iterator.hasNext()) {
        try (Batch batch = iterator.next()) {
          batches.add(IdRecords.ids(batch));
        }
      }
      skipped = iterator.stats().skippedRecords();
    }
    // Every valid record once, in the order it has when nothing is bad, and no placeholder row
    // among them (IdRecords.ids checks each row's payload against its id).
    List<Long> order = new ArrayList<>(IdRecords.ids(dataset(allValid, threads)));
    order.removeAll(BAD);
    assertThat(batches.stream().flatMap(List::stream).toList()).isEqualTo(order);
    assertThat(skipped).isEqualTo(BAD.size());
    for (int b = 0; b < batches.size() - 1; b++) {
      assertThat(batches.get(b)).as("batch %d", b).hasSize(BATCH);
    }
    assertThat(batches.get(batches.size() - 1)).hasSize(good().size() % BATCH);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void failStopsAtTheFirstInvalidRecordWithTheParsersTypedError(int threads) throws IOException {
    writeRecords();
    Dataset dataset = dataset(threads).onCorrupt(CorruptionPolicy.FAIL);
    IngestException failure;
    try (BatchIterator iterator = dataset.iterator()) {
      failure = catchThrowableOfType(IngestException.class, () -> {
        while (iterator.hasNext()) {
          iterator.next().close();
        }
      });
    }
    assertThat(failure).isNotNull();
    assertThat(failure.getCause()).isInstanceOf(InvalidExampleException.class);
    // The first bad record in read order, named by file and index.
    long firstBad = IdRecords.ids(dataset(allValid, threads)).stream()
        .filter(BAD::contains).findFirst().orElseThrow();
    InvalidExampleException invalid = (InvalidExampleException) failure.getCause();
    assertThat(invalid.recordIndex()).isEqualTo(firstBad % PER_FILE);
    assertThat(invalid.file().getFileName().toString())
        .isEqualTo(String.format("part-%05d-of-%05d.tfrecord", firstBad / PER_FILE, FILES));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void skipWithShuffleFilterAndDropRemainderIsDeterministicAndResumesExactly(int threads)
      throws IOException {
    writeRecords();
    Dataset dataset = Dataset.tfrecord(dir.toString())
        .onCorrupt(CorruptionPolicy.SKIP)
        .shuffleFiles(true)
        .parseExample(IdRecords.SPEC)
        .filter("odd_ids_after_100", row -> {
          long id = row.getLong("id", 0);
          return id < 100 || id % 2 == 1;
        })
        .shuffle(16)
        .batch(BATCH, true)
        .repeat(2)
        .withOptions(PipelineOptions.defaults().withThreads(threads).withSeed(7));
    List<String> whole = IdRecords.digests(dataset);
    assertThat(IdRecords.digests(dataset)).isEqualTo(whole);

    // Each epoch: every valid record the filter keeps, once; full batches only.
    Set<Long> expected = new TreeSet<>();
    for (long id : good()) {
      if (id < 100 || id % 2 == 1) {
        expected.add(id);
      }
    }
    List<List<Long>> batches = IdRecords.batches(dataset);
    int perEpoch = expected.size() / BATCH;
    assertThat(batches).hasSize(2 * perEpoch);
    for (int epoch = 0; epoch < 2; epoch++) {
      Set<Long> seen = new HashSet<>();
      for (List<Long> batch : batches.subList(epoch * perEpoch, (epoch + 1) * perEpoch)) {
        assertThat(batch).hasSize(BATCH);
        for (long id : batch) {
          assertThat(seen.add(id)).as("id %d twice in epoch %d", id, epoch).isTrue();
        }
      }
      assertThat(expected).containsAll(seen);
      assertThat(seen).hasSize(perEpoch * BATCH);
    }

    // Stopped after each of several batches and resumed: the same batches as the whole run.
    for (int stopAfter : new int[] {1, perEpoch - 1, perEpoch, perEpoch + 3}) {
      List<String> resumed = new ArrayList<>();
      PipelineState state;
      try (BatchIterator iterator = dataset.iterator()) {
        for (int b = 0; b < stopAfter; b++) {
          try (Batch batch = iterator.next()) {
            resumed.add(BatchDigest.hex(batch));
          }
        }
        state = iterator.state();
      }
      try (BatchIterator iterator = dataset.iterator(state)) {
        while (iterator.hasNext()) {
          try (Batch batch = iterator.next()) {
            resumed.add(BatchDigest.hex(batch));
          }
        }
      }
      assertThat(resumed).as("stopped after %d", stopAfter).isEqualTo(whole);
    }
  }

  /** Under a global shuffle (one trainer) the batch stage refills as it does after a filter. */
  @Test
  void skipUnderAGlobalShuffleKeepsEveryBatchFull() throws IOException {
    writeRecords();
    Dataset dataset = Dataset.tfrecord(dir.toString())
        .onCorrupt(CorruptionPolicy.SKIP)
        .missingIndex(PipelineSpec.MissingIndex.BUILD)
        .shuffleGlobal()
        .parseExample(IdRecords.SPEC)
        .batch(BATCH, true)
        .withOptions(PipelineOptions.defaults().withThreads(2).withSeed(3));
    List<List<Long>> batches = IdRecords.batches(dataset);
    assertThat(batches).hasSize(good().size() / BATCH).allSatisfy(b -> assertThat(b).hasSize(BATCH));
    Set<Long> seen = new HashSet<>();
    batches.forEach(seen::addAll);
    assertThat(seen).hasSize(batches.size() * BATCH);
    assertThat(good()).containsAll(seen);
  }
}
