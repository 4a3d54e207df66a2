package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ingest.Batch;
import dev.ingest.BatchDigest;
import dev.ingest.BatchIterator;
import dev.ingest.BurnCpu;
import dev.ingest.Dataset;
import dev.ingest.PipelineMetrics;
import dev.ingest.PipelineOptions;
import dev.ingest.TunerDecision;
import dev.ingest.Tuning;
import dev.ingest.runtime.tune.AutoTuner;
import dev.ingest.runtime.tune.TunedSettings;
import dev.ingest.runtime.tune.TuningLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tuner inside a running pipeline. Every assertion is on what it decided or on the batches,
 * never on a time: the waits below are liveness bounds ("this happens at all"), generous enough
 * for a loaded two-core machine.
 */
class AutotuneTest {
  private static final Duration GENEROUS = Duration.ofSeconds(120);
  @TempDir static Path dir;
  static int total;

  @BeforeAll
  static void write() throws IOException {
    total = IdRecords.write(dir, 700, 500, 900);
  }

  @AfterEach
  void noPipelineThreadOutlivesItsTest() throws InterruptedException {
    assertThat(IdRecords.ingestThreadsAliveAfter(10_000)).isEmpty();
  }

  private static Dataset ids() {
    return Dataset.tfrecord(dir.toString())
        .parseExample(IdRecords.SPEC)
        .interleave(2, 4)
        .shuffle(100);
  }

  private static PipelineOptions auto(int cpuBudget) {
    return PipelineOptions.defaults().withThreads(Dataset.AUTO).withCpuBudget(cpuBudget);
  }

  @Test
  void aSlowParseStageIsNamedAndThenGivenAnotherWorker() {
    // burn_cpu makes parsing the bottleneck by far; the CPU budget is set, not the machine's, so
    // the tuner starts at one worker (a core left to the read stage) and may go to two.
    Dataset slow = ids().map(BurnCpu.NAME, new BurnCpu(300)).batch(16, false).prefetch(Dataset.AUTO)
        .repeat(-1).withOptions(auto(2));
    assertTimeoutPreemptively(GENEROUS, () -> {
      try (RunningPipeline pipeline = (RunningPipeline) slow.iterator()) {
        assertThat(pipeline.tuning().parseWorkers()).isEqualTo(1);
        assertThat(pipeline.tuning().maxParseWorkers()).isEqualTo(2);
        // Enough batches that start-up (the read stage filling the shuffle buffer) is no longer
        // most of the run the fractions cover.
        for (int i = 0; i < 100; i++) {
          pipeline.next().close();
        }
        PipelineMetrics before = pipeline.metrics();
        // The map, fused on the parse workers, is what keeps them busy; the tuner still widens them.
        assertThat(before.bottleneck()).isEqualTo("map burn_cpu");
        while (workerMoves(pipeline.tuning()).isEmpty()) {
          pipeline.next().close();
        }
        TunerDecision move = workerMoves(pipeline.tuning()).get(0);
        assertThat(move.from()).isEqualTo(1);
        assertThat(move.to()).isEqualTo(2);
        assertThat(move.reason()).startsWith("parse_example limits").contains("trying 2");
        Tuning reported = pipeline.metrics().tuning();
        assertThat(reported.autoWorkers()).isTrue();
        assertThat(reported.decisions()).contains(move);
      }
    });
  }

  private static List<TunerDecision> workerMoves(Tuning tuning) {
    return tuning.decisions().stream()
        .filter(d -> d.parameter().equals(TunerDecision.PARSE_WORKERS) && d.from() != d.to())
        .toList();
  }

  /**
   * The same batches whatever the tuner does: the tuner runs, and on top of it the consumer moves
   * the active workers and the prefetch depth at random after every batch. Shuffle, a filter
   * (which adds the batch stage) and ordered output, against one fixed worker.
   */
  @ParameterizedTest(name = "filtered: {0}")
  @ValueSource(booleans = {false, true})
  void theBatchesAreTheSameWhateverTheSettings(boolean filtered) {
    Dataset dataset = filtered ? ids().filter(row -> row.getLong("id", 0) % 7 != 3) : ids();
    Dataset fixed = dataset.batch(32, false).prefetch(4).repeat(2)
        .withOptions(PipelineOptions.defaults().withThreads(1).withSeed(11));
    Dataset tuned = fixed.prefetch(Dataset.AUTO).withOptions(auto(4).withSeed(11));
    assertTimeoutPreemptively(GENEROUS, () -> {
      List<String> expected = IdRecords.digests(fixed);
      assertThat(expected).hasSizeGreaterThan(100);
      assertThat(digestsMovingSettings(tuned, new Random(5))).isEqualTo(expected);
    });
  }

  @Test
  void unorderedOutputHasTheSameBatchesWhateverTheSettings() {
    Dataset fixed = ids().batch(32, false).prefetch(4).repeat(2)
        .withOptions(PipelineOptions.defaults().withThreads(1).withSeed(3));
    Dataset tuned = fixed.prefetch(Dataset.AUTO).withOptions(auto(4).withSeed(3)
        .withDeterministic(false));
    assertTimeoutPreemptively(GENEROUS, () -> {
      List<String> expected = new ArrayList<>(IdRecords.digests(fixed));
      List<String> actual = digestsMovingSettings(tuned, new Random(9));
      expected.sort(null);
      actual.sort(null);
      assertThat(actual).isEqualTo(expected);
    });
  }

  private static List<String> digestsMovingSettings(Dataset dataset, Random random) {
    List<String> digests = new ArrayList<>();
    try (RunningPipeline pipeline = (RunningPipeline) dataset.iterator()) {
      TunedSettings settings = pipeline.tunedSettings();
      while (pipeline.hasNext()) {
        try (Batch batch = pipeline.next()) {
          digests.add(BatchDigest.hex(batch));
        }
        settings.setActiveWorkers(1 + random.nextInt(settings.maxWorkers()));
        settings.setPrefetchDepth(1 + random.nextInt(PipelineSizes.AUTO_MAX_PREFETCH));
      }
    }
    return digests;
  }

  @Test
  void theTunerStaysWithinASmallMemoryBudget() {
    // 64 id records parse to a few KiB: a 24 KiB budget holds a few batches, far fewer than the
    // deepest prefetch the ring allows, so every batch past them waits for budget.
    long budget = 24 * 1024;
    Dataset small = ids().batch(64, false).prefetch(Dataset.AUTO).repeat(-1)
        .withOptions(auto(2).withMemoryBudget(budget));
    assertTimeoutPreemptively(GENEROUS, () -> {
      try (BatchIterator pipeline = small.iterator()) {
        for (int taken = 0; taken < 600; taken++) {
          pipeline.next().close();
          assertThat(pipeline.stats().peakMemoryBytes()).isLessThanOrEqualTo(budget);
        }
        assertThat(pipeline.metrics().tuning().prefetch())
            .isLessThanOrEqualTo(PipelineSizes.AUTO_MAX_PREFETCH);
      }
    });
  }

  /**
   * Settling: once the tuner says it settled, it decides nothing more unless it reopens (and says
   * so); it cannot try a setting twice in one opening, so its decisions are bounded.
   */
  @Test
  void onceSettledItMakesNoMoreDecisionsWithoutReopening() {
    Dataset steady = ids().map(BurnCpu.NAME, new BurnCpu(20)).batch(16, false)
        .prefetch(Dataset.AUTO).repeat(-1).withOptions(auto(2));
    assertTimeoutPreemptively(GENEROUS, () -> {
      try (RunningPipeline pipeline = (RunningPipeline) steady.iterator()) {
        while (!pipeline.tuning().settled()) {
          pipeline.next().close();
        }
        int settledAt = pipeline.tuning().decisions().size();
        // Many windows more (each is at least 8 batches).
        for (int i = 0; i < 60 * TuningLoop.MIN_WINDOW_BATCHES; i++) {
          pipeline.next().close();
        }
        List<TunerDecision> after = pipeline.tuning().decisions();
        int perOpening = 2 * 2 + 2 * 3 + 1;
        assertThat(after).hasSizeLessThanOrEqualTo(perOpening * (1 + AutoTuner.MAX_REOPENINGS));
        if (after.size() > settledAt) {
          assertThat(after.get(settledAt).reason()).startsWith("reopened");
        }
      }
    });
  }
}
