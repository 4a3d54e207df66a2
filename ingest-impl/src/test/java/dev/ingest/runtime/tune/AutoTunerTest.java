package dev.ingest.runtime.tune;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.TunerDecision;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tuner's policy on made-up windows: which move it tries, what it keeps, what the memory
 * budget stops, and that it settles and stays settled, whatever the noise. No threads, no clock:
 * each window is given, so every assertion is exact.
 */
class AutoTunerTest {
  private static final long MIB = 1 << 20;
  private long clock;

  /** A window of a pipeline whose parse workers limit it: busy, the read stage waiting. */
  private TuningWindow parseLimited(double batchesPerSecond) {
    return window(batchesPerSecond, 0.6, 0.98, 0.3, 0, 64 * MIB);
  }

  private TuningWindow window(double batchesPerSecond, double consumerWait, double parseBusy,
      double sourceBusy, long usedBytes, long limitBytes) {
    clock += 200;
    return new TuningWindow(clock, 16, batchesPerSecond, consumerWait, parseBusy, sourceBusy,
        usedBytes, limitBytes, MIB);
  }

  private static AutoTuner workersOnly(int start, int max) {
    return new AutoTuner(true, start, max, false, 4, 4, max);
  }

  @Test
  void aSlowParseStageGetsAnotherWorkerAndKeepsItWhenThroughputRises() {
    AutoTuner tuner = workersOnly(1, 2);
    tuner.observe(parseLimited(50)); // warm-up, not judged
    tuner.observe(parseLimited(50));
    assertThat(tuner.workers()).isEqualTo(2);
    tuner.observe(parseLimited(60)); // units from before the move still draining
    tuner.observe(parseLimited(95));
    assertThat(tuner.workers()).isEqualTo(2);
    tuner.observe(parseLimited(95));

    List<TunerDecision> decisions = tuner.decisions();
    assertThat(decisions).extracting(TunerDecision::parameter, TunerDecision::from,
            TunerDecision::to)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("parse_workers", 1, 2),
            org.assertj.core.groups.Tuple.tuple("parse_workers", 2, 2));
    assertThat(decisions.get(0).reason()).startsWith("parse_example limits")
        .contains("50.0 batches a second", "parse workers 98% busy", "trying 2");
    assertThat(decisions.get(1).reason()).startsWith("kept: 95.0 batches a second at 2 against 50.0 at 1");
    assertThat(tuner.settled()).isTrue();
  }

  @Test
  void nothingIsTriedWhileThePipelineIsStillWarmingUp() {
    AutoTuner tuner = workersOnly(1, 2);
    // The JIT at work: each window faster than the last by far more than the tolerance.
    for (double rate : new double[] {20, 40, 80, 160}) {
      tuner.observe(parseLimited(rate));
    }
    assertThat(tuner.decisions()).as("judged while warming up").isEmpty();
    tuner.observe(parseLimited(170)); // within 15% of the last: steady, and parse limits
    assertThat(tuner.decisions()).singleElement()
        .satisfies(decision -> assertThat(decision.reason()).contains("170.0 batches a second"));
  }

  @Test
  void warmUpEndsAfterItsLongestEvenIfThroughputNeverSettles() {
    AutoTuner tuner = workersOnly(1, 2);
    for (int i = 0; i < AutoTuner.MAX_WARM_UP_WINDOWS - 1; i++) {
      tuner.observe(parseLimited(i % 2 == 0 ? 50 : 100));
    }
    assertThat(tuner.decisions()).isEmpty();
    tuner.observe(parseLimited(50));
    assertThat(tuner.decisions()).hasSize(1);
  }

  @Test
  void aWorkerThatDoesNotPayIsUndoneAndNeverTriedAgain() {
    // Two workers on two cores starve the read thread: 78% of one worker's throughput.
    Map<Integer, Double> throughput = Map.of(1, 100.0, 2, 78.0);
    AutoTuner tuner = workersOnly(1, 2);
    for (int i = 0; i < 200; i++) {
      tuner.observe(parseLimited(throughput.get(tuner.workers())));
    }
    assertThat(tuner.workers()).isEqualTo(1);
    assertThat(tuner.settled()).isTrue();
    assertThat(tuner.decisions()).extracting(TunerDecision::from, TunerDecision::to)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, 2),
            org.assertj.core.groups.Tuple.tuple(2, 1));
    assertThat(tuner.decisions().get(1).reason()).startsWith("not worth it, back: 78.0");
  }

  @Test
  void aReadLimitedPipelineOnAFullCpuBudgetGivesAWorkerBack() {
    AutoTuner tuner = workersOnly(2, 2);
    TuningWindow readLimited = window(100, 0.5, 0.4, 0.99, 0, 64 * MIB);
    tuner.observe(readLimited);
    tuner.observe(readLimited);
    assertThat(tuner.workers()).isEqualTo(1);
    tuner.observe(readLimited);
    tuner.observe(window(99, 0.5, 0.8, 0.99, 0, 64 * MIB)); // within 5%: one thread fewer wins
    assertThat(tuner.workers()).isEqualTo(1);
    assertThat(tuner.decisions().get(0).reason()).startsWith(
        "read limits and the workers take all 2 cores of the CPU budget");
  }

  @Test
  void aDeeperPrefetchTheMemoryBudgetCannotHoldIsDeclined() {
    AutoTuner tuner = new AutoTuner(false, 2, 2, true, 4, 32, 4);
    // The consumer waits although both stages have slack (bursts), but 9 of 10 MiB are in use
    // and four batches more would need 4 MiB.
    TuningWindow bursty = window(100, 0.3, 0.5, 0.4, 9 * MIB, 10 * MIB);
    for (int i = 0; i < 20; i++) {
      tuner.observe(bursty);
    }
    assertThat(tuner.depth()).isEqualTo(4);
    assertThat(tuner.settled()).isTrue();
    assertThat(tuner.decisions()).singleElement().satisfies(decision -> {
      assertThat(decision.parameter()).isEqualTo(TunerDecision.PREFETCH);
      assertThat(decision.to()).isEqualTo(decision.from()).isEqualTo(4);
      assertThat(decision.reason()).contains("memory budget", "4,194,304 bytes",
          "1,048,576 of 10,485,760 free");
    });
  }

  @Test
  void aDeeperPrefetchIsTriedWhenTheBudgetHoldsItAndKeptWhenTheConsumerWaitsLess() {
    AutoTuner tuner = new AutoTuner(false, 2, 2, true, 4, 32, 4);
    tuner.observe(window(100, 0.3, 0.5, 0.4, MIB, 64 * MIB));
    tuner.observe(window(100, 0.3, 0.5, 0.4, MIB, 64 * MIB));
    assertThat(tuner.depth()).isEqualTo(8);
    tuner.observe(window(100, 0.3, 0.5, 0.4, MIB, 64 * MIB));
    tuner.observe(window(100, 0.1, 0.5, 0.4, MIB, 64 * MIB));
    assertThat(tuner.depth()).isEqualTo(8);
    assertThat(tuner.decisions()).extracting(TunerDecision::from, TunerDecision::to)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(4, 8),
            org.assertj.core.groups.Tuple.tuple(8, 8));
  }

  @Test
  void aSaturatedPipelineGetsNoDeeperPrefetch() {
    AutoTuner tuner = new AutoTuner(false, 2, 2, true, 4, 32, 4);
    for (int i = 0; i < 20; i++) {
      tuner.observe(parseLimited(100));
    }
    assertThat(tuner.decisions()).isEmpty();
    assertThat(tuner.settled()).isTrue();
  }

  @Test
  void aPipelineThatKeepsUpIsLeftAlone() {
    AutoTuner tuner = new AutoTuner(true, 1, 8, true, 4, 32, 8);
    for (int i = 0; i < 20; i++) {
      tuner.observe(window(100, 0.001, 0.9, 0.3, 0, 64 * MIB));
    }
    assertThat(tuner.decisions()).isEmpty();
    assertThat(tuner.settled()).isTrue();
  }

  @Test
  void aSettledTunerReopensOnlyAfterALargeChangeThatLasts() {
    AutoTuner tuner = workersOnly(1, 4);
    IntToDoubleFunction flat = workers -> 100; // no worker pays: settles at 1 after one trial
    for (int i = 0; i < 10; i++) {
      tuner.observe(parseLimited(flat.applyAsDouble(tuner.workers())));
    }
    assertThat(tuner.settled()).isTrue();
    int settledDecisions = tuner.decisions().size();
    // Short dips, however deep, are not a change of regime.
    for (int i = 0; i < 40; i++) {
      tuner.observe(parseLimited(i % AutoTuner.REOPEN_WINDOWS == 0 ? 100 : 20));
    }
    assertThat(tuner.decisions()).hasSize(settledDecisions);
    for (int i = 0; i < AutoTuner.REOPEN_WINDOWS; i++) {
      tuner.observe(parseLimited(20));
    }
    assertThat(tuner.decisions()).hasSizeGreaterThan(settledDecisions);
    assertThat(tuner.decisions().get(settledDecisions).reason()).startsWith("reopened after 5");
  }

  /**
   * Settling under noise: a simulated pipeline whose throughput depends on the workers and
   * depth, measured with ±20% noise per window. Whatever the noise does to single trials, the
   * tuner stops within a bounded number of decisions, early, and never moves again.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void underNoiseItSettlesEarlyAndStaysSettled(long seed) {
    Random random = new Random(seed);
    int cores = 2 + random.nextInt(15);
    double perWorker = 10 + random.nextInt(100);
    double readCapacity = perWorker * (1 + random.nextInt(cores + 2));
    AutoTuner tuner = new AutoTuner(true, Math.max(1, cores - 1), cores, true, 4, 32, cores);
    int lastDecisionWindow = -1;
    for (int i = 0; i < 2_000; i++) {
      int workers = tuner.workers();
      // Threads beyond the cores share them: the read thread and the workers slow down alike.
      double share = Math.min(1, cores / (workers + 1.0));
      double parse = workers * perWorker * share;
      double read = readCapacity * share;
      double rate = Math.min(parse, read) * (1 + 0.2 * (2 * random.nextDouble() - 1));
      int before = tuner.decisions().size();
      tuner.observe(window(rate, 0.5, Math.min(1, rate / parse), Math.min(1, rate / read), MIB,
          64 * MIB));
      if (tuner.decisions().size() > before) {
        lastDecisionWindow = i;
      }
    }
    assertThat(tuner.settled()).isTrue();
    // One trial (two decisions) per value at most: workers 1..cores, depths 4..32.
    assertThat(tuner.decisions()).hasSizeLessThanOrEqualTo(2 * cores + 2 * 3 + 1);
    assertThat(lastDecisionWindow).as("the last decision's window").isLessThan(4 * (cores + 4));
  }
}
