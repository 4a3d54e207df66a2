package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ingest.Batch;
import dev.ingest.BatchDigest;
import dev.ingest.BatchIterator;
import dev.ingest.Dataset;
import dev.ingest.PaddingSpec;
import dev.ingest.PipelineOptions;
import dev.ingest.PipelineSpec.ShardBy;
import dev.ingest.PipelineState;
import dev.ingest.RowFilter;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stop after k batches, save the state, resume in a new iterator (through the state's bytes, at
 * another thread count): the resumed batches are exactly the rest of an uninterrupted run.
 */
class ResumeProperties {
  private static final RowFilter MOST = row -> row.getLong("id", 0) % 4 != 3;

  @Property(tries = 60)
  void aResumedRunYieldsExactlyTheRestOfTheUninterruptedOne(
      @ForAll @Size(min = 1, max = 5) List<@IntRange(min = 0, max = 30) Integer> recordsPerFile,
      @ForAll @IntRange(min = 1, max = 3) int numShards,
      @ForAll ShardBy shardBy,
      @ForAll boolean shuffleFiles,
      @ForAll @IntRange(min = 0, max = 40) int shuffleBuffer,
      @ForAll @IntRange(min = 1, max = 3) int cycleLength,
      @ForAll @IntRange(min = 1, max = 4) int blockLength,
      @ForAll @IntRange(min = 1, max = 8) int batchSize,
      @ForAll boolean dropRemainder,
      @ForAll boolean filter,
      @ForAll boolean map,
      @ForAll @IntRange(min = 1, max = 3) int epochs,
      @ForAll @IntRange(min = 0, max = 3) int skip,
      @ForAll @IntRange(min = -1, max = 12) int take,
      @ForAll @IntRange(min = 1, max = 2) int threadsBefore,
      @ForAll @IntRange(min = 1, max = 2) int threadsAfter,
      @ForAll @IntRange(min = 0, max = 100) int stopPercent,
      @ForAll boolean gzip,
      @ForAll @IntRange(min = 0, max = 2) int readersBefore,
      @ForAll @IntRange(min = 0, max = 2) int readersAfter,
      @ForAll long seed)
      throws IOException {
    Path dir = Files.createTempDirectory("resume-properties");
    try {
      // Compressed files resume by skipping forward, plain ones by seeking: both must be exact.
      IdRecords.write(dir, gzip ? Compression.GZIP : Compression.NONE,
          recordsPerFile.stream().mapToInt(Integer::intValue).toArray());
      Dataset dataset = Dataset.tfrecord(dir.toString())
          .parseExample(IdRecords.SPEC)
          .shard(numShards, seed % 2 == 0 ? 0 : numShards - 1, shardBy)
          .shuffleFiles(shuffleFiles)
          .interleave(cycleLength, blockLength, readersBefore)
          .shuffle(shuffleBuffer)
          .batch(batchSize, dropRemainder)
          .repeat(epochs)
          .skip(skip)
          .take(take);
      if (map) {
        dataset = dataset.map("negate payload", row -> row.setLong("payload", 3,
            -row.getLong("payload", 3)));
      }
      if (filter) {
        dataset = dataset.filter("most", MOST);
      }
      List<String> whole = IdRecords.digests(dataset.withOptions(options(threadsBefore, seed)));
      int stopAfter = whole.size() * stopPercent / 100;
      // Reader threads, like threads, may differ after the resume: the state fits either way.
      List<String> resumed = stopAndResume(dataset,
          dataset.interleave(cycleLength, blockLength, readersAfter), stopAfter, threadsBefore,
          threadsAfter, seed);
      assertThat(resumed).as("stopped after %s of %s batches", stopAfter, whole.size())
          .isEqualTo(whole);
    } finally {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  @Property(tries = 10)
  void paddedBatchesOfVarLenRecordsResumeExactly(
      @ForAll @IntRange(min = 20, max = 120) int records,
      @ForAll @IntRange(min = 1, max = 9) int batchSize,
      @ForAll boolean filter,
      @ForAll @IntRange(min = 0, max = 30) int shuffleBuffer,
      @ForAll @IntRange(min = 1, max = 2) int threadsBefore,
      @ForAll @IntRange(min = 1, max = 2) int threadsAfter,
      @ForAll @IntRange(min = 0, max = 100) int stopPercent,
      @ForAll long seed)
      throws IOException {
    Path text = Files.createTempDirectory("resume-text");
    try {
      SampleDatasets.write(SampleKind.TEXT, text, records, 3, Compression.NONE, seed);
      Dataset dataset = Dataset.tfrecord(text.toString())
          .parseExample(SampleKind.TEXT.exampleSpec())
          .shuffle(shuffleBuffer)
          .paddedBatch(batchSize, PaddingSpec.none().pad("tokens", PaddingSpec.LONGEST), false)
          .repeat(2);
      if (filter) {
        dataset = dataset.filter("not 3", row -> row.getLong("label", 0) != 3);
      }
      List<String> whole = IdRecords.digests(dataset.withOptions(options(threadsBefore, seed)));
      int stopAfter = whole.size() * stopPercent / 100;
      List<String> resumed =
          stopAndResume(dataset, dataset, stopAfter, threadsBefore, threadsAfter, seed);
      assertThat(resumed).as("stopped after %s of %s batches", stopAfter, whole.size())
          .isEqualTo(whole);
    } finally {
      try (Stream<Path> paths = Files.walk(text)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  @TempDir Path dir;

  @Test
  void aStateFromAnotherPipelineIsRefusedSayingWhatDiffers() throws IOException {
    IdRecords.write(dir, 20, 20);
    Dataset dataset = Dataset.tfrecord(dir.toString()).parseExample(IdRecords.SPEC).batch(4, false);
    PipelineState state;
    try (BatchIterator iterator = dataset.iterator()) {
      iterator.next().close();
      state = iterator.state();
    }
    assertThatThrownBy(() -> dataset.batch(5, false).iterator(state))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("different pipeline").hasMessageContaining(state.specFingerprint());
    // Threads, prefetch and the memory budget do not change the batches: the state fits.
    List<List<Long>> uninterrupted = IdRecords.batches(dataset);
    try (BatchIterator iterator = dataset.prefetch(1)
        .withOptions(PipelineOptions.defaults().withThreads(3).withMemoryBudget(1 << 20))
        .iterator(state);
        Batch second = iterator.next()) {
      assertThat(IdRecords.ids(second)).isEqualTo(uninterrupted.get(1));
    }
  }

  /**
   * A fresh iterator hashes its spec only when a state is asked for (not before its first
   * batch): the states are the same as if it had hashed it at once.
   */
  @Test
  void aFreshIteratorsStatesCarryItsSpecsFingerprint() throws IOException {
    IdRecords.write(dir, 20, 20);
    Dataset dataset = Dataset.tfrecord(dir.toString()).parseExample(IdRecords.SPEC).batch(4, false)
        .shuffle(8);
    try (BatchIterator iterator = dataset.iterator()) {
      assertThat(iterator.state()).isEqualTo(PipelineState.start(dataset.spec()));
      iterator.next().close();
      iterator.next().close();
      PipelineState state = iterator.state();
      assertThat(state.specFingerprint()).isEqualTo(dataset.spec().fingerprint());
      assertThat(state.batchesDelivered()).isEqualTo(2);
      assertThat(state.batchInEpoch()).isEqualTo(1);
      assertThat(state.checkpoint()).isNotNull();
    }
  }

  @Test
  void aStateWithoutCheckpointIsAFewDozenBytesAndItsFormIsChecked() {
    PipelineState state = new PipelineState("ab".repeat(32), 3, 17, 250);
    assertThat(state.toBytes().length).isLessThan(180);
    assertThat(PipelineState.fromBytes(state.toBytes())).isEqualTo(state);
    assertThatThrownBy(() -> PipelineState.fromBytes("hello".getBytes()))
        .hasMessageContaining("not an ingest state");
    assertThatThrownBy(() -> PipelineState.fromBytes(
        new String(state.toBytes()).replace("ingest-state=2", "ingest-state=3").getBytes()))
        .hasMessageContaining("version 3 is not supported");
    // A version 1 state (no checkpoint lines) still reads: it resumes by re-reading its epoch.
    String version1 = "ingest-state=1\nspec=" + "ab".repeat(32)
        + "\nepoch=3\nbatch_in_epoch=17\nbatches_delivered=250\n";
    assertThat(PipelineState.fromBytes(version1.getBytes())).isEqualTo(state);
    assertThatThrownBy(() -> PipelineState.fromBytes(
        new String(state.toBytes()).replace("epoch=3", "epoch=x").getBytes()))
        .hasMessageContaining("epoch is not a number");
  }

  @Test
  void anUnorderedPipelineRefusesToGiveAState() throws IOException {
    IdRecords.write(dir, 10);
    try (BatchIterator iterator = Dataset.tfrecord(dir.toString()).parseExample(IdRecords.SPEC)
        .batch(2, false).withOptions(PipelineOptions.defaults().withDeterministic(false))
        .iterator()) {
      iterator.next().close();
      assertThatThrownBy(iterator::state).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("deterministic: false");
    }
  }

  /**
   * The digests of the first {@code stopAfter} batches of one iterator, then of every batch of a
   * second one started from the first's state (passed through its serialized form), at another
   * thread count.
   */
  private static List<String> stopAndResume(Dataset dataset, Dataset resumedDataset,
      int stopAfter, int threadsBefore, int threadsAfter, long seed) {
    List<String> digests = new ArrayList<>();
    PipelineState state;
    try (BatchIterator first = dataset.withOptions(options(threadsBefore, seed)).iterator()) {
      for (int i = 0; i < stopAfter; i++) {
        try (Batch batch = first.next()) {
          digests.add(BatchDigest.hex(batch));
        }
      }
      state = first.state();
    }
    PipelineState restored = PipelineState.fromBytes(state.toBytes());
    assertThat(restored).isEqualTo(state);
    try (BatchIterator rest =
        resumedDataset.withOptions(options(threadsAfter, seed)).iterator(restored)) {
      while (rest.hasNext()) {
        try (Batch batch = rest.next()) {
          digests.add(BatchDigest.hex(batch));
        }
      }
      assertThat(rest.state().batchesDelivered()).isEqualTo(digests.size());
    }
    return digests;
  }

  private static PipelineOptions options(int threads, long seed) {
    return PipelineOptions.defaults().withThreads(threads).withSeed(seed);
  }
}
