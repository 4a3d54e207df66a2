package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.CorruptionPolicy;
import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import dev.ingest.PipelineState;
import dev.ingest.SourceCheckpoint;
import dev.ingest.StageMetrics;
import dev.ingest.runtime.metrics.Stage;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.TFRecordReader;
import dev.ingest.tfrecord.TFRecordWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A state names the source's last checkpoint, so a resumed pipeline starts reading there: its
 * reads are bounded by the shuffle buffer, not by how far into the epoch the state was saved.
 */
class CheckpointResumeTest {
  @TempDir Path dir;

  private static final PipelineOptions ONE_THREAD = PipelineOptions.defaults().withThreads(1);

  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"NONE", "GZIP"})
  void aResumedPipelineReadsAboutAShuffleBufferNotTheEpochBeforeIt(Compression compression)
      throws IOException {
    IdRecords.write(dir, compression, 1500, 1500, 1500, 1500, 1500, 1500, 1500, 1500);
    Dataset dataset = Dataset.tfrecord(dir.toString()).parseExample(IdRecords.SPEC)
        .interleave(4, 8).shuffle(200).batch(20, false).prefetch(1).withOptions(ONE_THREAD);
    List<List<Long>> whole = IdRecords.batches(dataset);
    assertThat(whole).hasSize(600);
    PipelineState state = stateAfter(dataset, 540);
    SourceCheckpoint checkpoint = state.checkpoint();
    assertThat(checkpoint).isNotNull();
    assertThat(checkpoint.shuffled()).isEqualTo(200);
    assertThat(checkpoint.unitInEpoch()).isBetween(500L, 541L);

    // From the checkpoint: 10,800 records lie before the position, but the source re-reads only
    // those since the checkpoint (at most two buffers and a batch), then the 1,200 after it.
    List<List<Long>> rest = new ArrayList<>();
    long recordsRead;
    try (BatchIterator iterator = dataset.iterator(state)) {
      while (iterator.hasNext()) {
        try (Batch batch = iterator.next()) {
          rest.add(IdRecords.ids(batch));
        }
      }
      recordsRead = readStage(iterator).elements();
    }
    assertThat(rest).isEqualTo(whole.subList(540, 600));
    assertThat(recordsRead).isLessThanOrEqualTo(1200 + 2 * 200 + 20);

    // The same position without the checkpoint (a version 1 state) re-reads the whole prefix.
    PipelineState withoutCheckpoint = new PipelineState(state.specFingerprint(), state.epoch(),
        state.batchInEpoch(), state.batchesDelivered());
    try (BatchIterator iterator = dataset.iterator(withoutCheckpoint)) {
      List<List<Long>> replayed = new ArrayList<>();
      while (iterator.hasNext()) {
        try (Batch batch = iterator.next()) {
          replayed.add(IdRecords.ids(batch));
        }
      }
      assertThat(replayed).isEqualTo(rest);
      assertThat(readStage(iterator).elements()).isEqualTo(12_000);
    }
  }

  @Test
  void withFiltersTheBatchStageDropsTheRowsDeliveredAfterTheCheckpoint() throws IOException {
    IdRecords.write(dir, 700, 700, 700);
    Dataset dataset = Dataset.tfrecord(dir.toString()).parseExample(IdRecords.SPEC)
        .shuffle(50).filter("not a multiple of 3", row -> row.getLong("id", 0) % 3 != 0)
        .batch(7, false).repeat(2).withOptions(ONE_THREAD);
    List<List<Long>> whole = IdRecords.batches(dataset);
    for (int stop : new int[] {1, 33, 199, 200, 201, whole.size() - 1}) {
      PipelineState state = PipelineState.fromBytes(stateAfter(dataset, stop).toBytes());
      assertThat(state.checkpoint()).isNotNull();
      List<List<Long>> rest = new ArrayList<>();
      try (BatchIterator iterator = dataset.iterator(state)) {
        while (iterator.hasNext()) {
          try (Batch batch = iterator.next()) {
            rest.add(IdRecords.ids(batch));
          }
        }
      }
      assertThat(rest).as("resumed after %s batches", stop)
          .isEqualTo(whole.subList(stop, whole.size()));
    }
  }

  @ParameterizedTest(name = "shuffle buffer {0}, {1} threads")
  @CsvSource({"0, 1", "4, 1", "4, 2"})
  void aStateSavedAfterAnEpochsLastBatchResumesWithTheNextEpoch(int shuffleBuffer, int threads)
      throws IOException {
    // 36 records, a buffer of 4, batches of 8: a checkpoint is due at every batch (every 2 x 4
    // records), and the fourth batch is formed as the last record is read, so the epoch's last
    // batch (the 4 records drained from the buffer) carries a checkpoint with nothing left to
    // read. A run resumed from it must drain the buffer and go on to the next epochs, not take
    // that empty rest for an empty dataset and end.
    IdRecords.write(dir, 18, 18);
    Dataset dataset = Dataset.tfrecord(dir.toString()).parseExample(IdRecords.SPEC)
        .shuffle(shuffleBuffer).batch(8, false).repeat(3)
        .withOptions(PipelineOptions.defaults().withThreads(threads).withSeed(5));
    List<List<Long>> whole = IdRecords.batches(dataset);
    assertThat(whole).hasSize(15);
    for (int stop : new int[] {4, 5, 6, 10}) {
      PipelineState state = PipelineState.fromBytes(stateAfter(dataset, stop).toBytes());
      List<List<Long>> rest = new ArrayList<>();
      try (BatchIterator iterator = dataset.iterator(state)) {
        while (iterator.hasNext()) {
          try (Batch batch = iterator.next()) {
            rest.add(IdRecords.ids(batch));
          }
        }
      }
      assertThat(rest).as("resumed after %s batches", stop)
          .isEqualTo(whole.subList(stop, whole.size()));
    }
  }

  @ParameterizedTest(name = "on_corrupt {0}")
  @EnumSource(CorruptionPolicy.class)
  void aStateSavedWhileReadingAFileCacheResumesAtTheSameRecords(CorruptionPolicy policy)
      throws IOException {
    Path data = dir.resolve("data");
    IdRecords.write(data, Compression.GZIP, 400, 300, 500);
    if (policy == CorruptionPolicy.SKIP) {
      // A skipped record would shift a cached file's offsets against its source's: such a file
      // is not cached, and the others are.
      corruptRecordData(data.resolve("part-00001-of-00003.tfrecord"), 10);
    }
    Dataset dataset = Dataset.tfrecord(data.toString()).compression("gzip").onCorrupt(policy)
        .parseExample(IdRecords.SPEC).cache(dir.resolve("cache/run").toString())
        .interleave(2, 3).shuffle(60).batch(16, false).repeat(3).withOptions(ONE_THREAD);
    List<List<Long>> whole = IdRecords.batches(dataset); // fills the cache in its first epoch
    for (int stop : new int[] {whole.size() / 2, whole.size() - 3}) { // epochs 2 and 3: cached
      PipelineState state = PipelineState.fromBytes(stateAfter(dataset, stop).toBytes());
      List<List<Long>> rest = new ArrayList<>();
      try (BatchIterator iterator = dataset.iterator(state)) {
        while (iterator.hasNext()) {
          try (Batch batch = iterator.next()) {
            rest.add(IdRecords.ids(batch));
          }
        }
      }
      assertThat(rest).as("resumed after %s batches", stop)
          .isEqualTo(whole.subList(stop, whole.size()));
    }
  }

  /** Recompresses {@code file} with one byte of record {@code index}'s data flipped. */
  private static void corruptRecordData(Path file, int index) throws IOException {
    List<byte[]> records = new ArrayList<>();
    try (TFRecordReader reader = TFRecordReader.open(file)) {
      ByteBuf record;
      while ((record = reader.next()) != null) {
        records.add(ByteBufUtil.getBytes(record));
      }
    }
    byte[] framed;
    Path plain = file.resolveSibling("plain.tmp");
    try (TFRecordWriter writer = TFRecordWriter.open(plain, Compression.NONE)) {
      for (byte[] record : records) {
        writer.write(record);
      }
    }
    framed = Files.readAllBytes(plain);
    Files.delete(plain);
    framed[DamagedRecords.recordStart(framed, index) + DamagedRecords.HEADER + 1] ^= 0x10;
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(framed);
    }
  }

  /** The figure the resume issue asks for: a state over a 10,000-record shuffle buffer. */
  @Test
  void aStateOverTenThousandShuffledRecordsInEightFilesIsAFewKilobytes() throws IOException {
    IdRecords.write(dir, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000);
    Dataset dataset = Dataset.tfrecord(dir.toString()).parseExample(IdRecords.SPEC)
        .interleave(8, 16).shuffle(10_000).batch(256, true).withOptions(ONE_THREAD);
    PipelineState state = stateAfter(dataset, 100); // past the checkpoint at 20,000 records
    assertThat(state.checkpoint().shuffled()).isEqualTo(10_000);
    byte[] bytes = state.toBytes();
    System.out.printf("state over a 10,000-record shuffle buffer in 8 files: %,d bytes%n",
        bytes.length);
    // Sorted, delta-encoded and deflated positions: under 2 bytes a record here (records of one
    // size give runs of equal deltas); tf.data would save the 10,000 records themselves.
    assertThat(bytes.length).isLessThan(16 * 1024);
    assertThat(PipelineState.fromBytes(bytes)).isEqualTo(state);
  }

  @Test
  void aStateSavedOverOtherFilesIsRefused() throws IOException {
    IdRecords.write(dir, 100, 100);
    Dataset dataset = Dataset.tfrecord(dir.toString()).parseExample(IdRecords.SPEC)
        .shuffle(10).batch(10, false);
    PipelineState state = stateAfter(dataset, 5);
    IdRecords.write(dir, 100, 120); // same names, the second file longer
    assertThatThrownBy(() -> dataset.iterator(state))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("saved over other files")
        .hasMessageContaining(state.checkpoint().filesDigest());
  }

  @Test
  void aDamagedCheckpointIsRefusedSayingWhatIsWrong() throws IOException {
    IdRecords.write(dir, 100, 100);
    Dataset dataset = Dataset.tfrecord(dir.toString()).parseExample(IdRecords.SPEC)
        .shuffle(10).batch(10, false);
    String text = new String(stateAfter(dataset, 5).toBytes(), StandardCharsets.UTF_8);
    String shuffleLine = text.lines().filter(line -> line.startsWith("shuffle=")).findFirst()
        .orElseThrow();
    assertThatThrownBy(() -> PipelineState.fromBytes(text.replace(shuffleLine,
        shuffleLine.substring(0, shuffleLine.length() - 4)).getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shuffle positions");
    assertThatThrownBy(() -> PipelineState.fromBytes(text.replaceFirst("interleave=\\d+",
        "interleave=x").getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("interleave line has a value that is not a number");
  }

  private static PipelineState stateAfter(Dataset dataset, int batches) {
    try (BatchIterator iterator = dataset.iterator()) {
      for (int i = 0; i < batches; i++) {
        iterator.next().close();
      }
      return iterator.state();
    }
  }

  private static StageMetrics readStage(BatchIterator iterator) {
    return iterator.metrics().stages().stream()
        .filter(stage -> stage.name().equals(Stage.READ.label())).findFirst().orElseThrow();
  }
}
