package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ingest.Batch;
import dev.ingest.BatchDigest;
import dev.ingest.BatchIterator;
import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import dev.ingest.PipelineState;
import dev.ingest.RowFilter;
import dev.ingest.RowMapper;
import dev.ingest.StateMismatchException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A state saved at any batch of a pipeline with a cache of rows resumes exactly in a new iterator,
 * which fills its cache again: permuted epochs (a shuffle after the cache), replayed ones (a
 * shuffle buffer before it), and the first epoch, saved while the cache was still filling.
 */
class RowCacheResumeTest {
  private static final int EPOCHS = 3;
  private static final RowFilter DROP_EVERY_FIFTH = row -> row.getLong("id", 0) % 5 != 4;
  private static final RowMapper NEGATE_LAST_PAYLOAD =
      row -> row.setLong("payload", 3, -row.getLong("payload", 3));

  @TempDir static Path dir;

  @BeforeAll
  static void write() throws IOException {
    IdRecords.write(dir, 60, 0, 45, 31);
  }

  @AfterEach
  void noPipelineThreadOutlivesItsTest() throws InterruptedException {
    assertThat(IdRecords.ingestThreadsAliveAfter(10_000)).isEmpty();
  }

  /** Reading, a filter before the cache, the cache, a map after it; batches of 7. */
  private static Dataset cachedRows(Dataset read) {
    return read.parseExample(IdRecords.SPEC)
        .filter("drop every fifth", DROP_EVERY_FIFTH)
        .cache()
        .map("negate", NEGATE_LAST_PAYLOAD)
        .batch(7, false)
        .repeat(EPOCHS)
        .withOptions(PipelineOptions.defaults().withSeed(21));
  }

  private static Dataset permuted() {
    return cachedRows(Dataset.tfrecord(dir.toString()).interleave(2, 3)).shuffle(12);
  }

  private static Dataset replayed() {
    return cachedRows(Dataset.tfrecord(dir.toString()).shuffleFiles(true).interleave(2, 3)
        .shuffle(12));
  }

  @Test
  void aStateAtEveryBatchOfPermutedEpochsResumesExactly() {
    Dataset dataset = permuted();
    assertThat(dataset.spec().permutesCachedRows()).isTrue();
    resumesExactlyFromEveryBatch(dataset);
  }

  /** Stops in the first epoch are states saved while the cache was filling. */
  @Test
  void aStateAtEveryBatchOfReplayedEpochsResumesExactlyTheFirstEpochsToo() {
    Dataset dataset = replayed();
    assertThat(dataset.spec().permutesCachedRows()).isFalse();
    assertThat(dataset.spec().cache().holdsRows()).isTrue();
    List<Long> epochs = resumesExactlyFromEveryBatch(dataset);
    assertThat(epochs).contains(0L, 1L, 2L);
  }

  @Test
  void aRowCacheStateIsRefusedByThePipelineWithoutTheCache() {
    PipelineState state = stateAfter(replayed(), 3);
    Dataset uncached = Dataset.tfrecord(dir.toString()).shuffleFiles(true).interleave(2, 3)
        .shuffle(12).parseExample(IdRecords.SPEC)
        .filter("drop every fifth", DROP_EVERY_FIFTH)
        .map("negate", NEGATE_LAST_PAYLOAD)
        .batch(7, false)
        .repeat(EPOCHS)
        .withOptions(PipelineOptions.defaults().withSeed(21));
    // Only the cache differs between the two.
    assertThat(uncached.spec().fingerprint()).isNotEqualTo(replayed().spec().fingerprint());
    assertThatThrownBy(() -> uncached.iterator(state))
        .isInstanceOf(StateMismatchException.class)
        .hasMessageContaining("different pipeline")
        .hasMessageContaining(state.specFingerprint())
        .hasMessageContaining(uncached.spec().fingerprint());
    // And the other way round: a permuted pipeline's state fits neither.
    PipelineState permutedState = stateAfter(permuted(), 3);
    assertThatThrownBy(() -> uncached.iterator(permutedState))
        .isInstanceOf(StateMismatchException.class);
    assertThatThrownBy(() -> replayed().iterator(permutedState))
        .isInstanceOf(StateMismatchException.class);
  }

  /**
   * For every k, the first k batches of one iterator and all batches of a second one resumed
   * from its state (through the state's bytes, at the other thread count) are the uninterrupted
   * run's batches; returns the epochs the states were saved in.
   */
  private static List<Long> resumesExactlyFromEveryBatch(Dataset dataset) {
    Dataset oneThread = dataset.withOptions(dataset.spec().options().withThreads(1));
    Dataset twoThreads = dataset.withOptions(dataset.spec().options().withThreads(2));
    List<String> whole = IdRecords.digests(oneThread);
    assertThat(IdRecords.digests(twoThreads)).isEqualTo(whole);
    List<Long> epochs = new ArrayList<>();
    for (int stop = 0; stop <= whole.size(); stop++) {
      Dataset before = stop % 2 == 0 ? oneThread : twoThreads;
      Dataset after = stop % 2 == 0 ? twoThreads : oneThread;
      PipelineState state = PipelineState.fromBytes(stateAfter(before, stop).toBytes());
      epochs.add(state.epoch());
      List<String> rest = new ArrayList<>();
      try (BatchIterator iterator = after.iterator(state)) {
        while (iterator.hasNext()) {
          try (Batch batch = iterator.next()) {
            rest.add(BatchDigest.hex(batch));
          }
        }
      }
      assertThat(rest).as("resumed after %s of %s batches", stop, whole.size())
          .isEqualTo(whole.subList(stop, whole.size()));
    }
    return epochs;
  }

  private static PipelineState stateAfter(Dataset dataset, int batches) {
    try (BatchIterator iterator = dataset.iterator()) {
      for (int i = 0; i < batches; i++) {
        iterator.next().close();
      }
      return iterator.state();
    }
  }
}
