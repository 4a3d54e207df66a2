package dev.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak's criterion on made-up series: a flat run with the noise a real one has passes; a
 * leak in any gauge, a thread or descriptor more per stretch of the run, a stop, or too short a
 * run fails, and says which.
 */
class SoakCriterionTest {
  private static final int SECONDS = 60;

  /** A flat run: a saw-tooth heap, direct memory in 4 MiB steps, counts that come and go. */
  private static SoakSample flat(int second) {
    return new SoakSample(second, 20 + (second * 37) % 130, 9 + (second % 3) * 0.5,
        28 + (second % 5 == 0 ? 4 : 0), 0.1, 395 + (second % 7), second % 4 == 0 ? 7 : 11,
        11 + second % 2, 1000L * second, 30L * second);
  }

  private static List<SoakSample> run(IntFunction<SoakSample> sample) {
    List<SoakSample> samples = new ArrayList<>();
    for (int second = 1; second <= SECONDS; second++) {
      samples.add(sample.apply(second));
    }
    return samples;
  }

  private static SoakCriterion.Verdict judge(IntFunction<SoakSample> sample) {
    return SoakCriterion.judge(run(sample), SoakCriterion.Bounds.DEFAULT);
  }

  @Test
  void aFlatRunWithGcAndArenaNoisePasses() {
    SoakCriterion.Verdict verdict = judge(SoakCriterionTest::flat);

    assertThat(verdict.passed()).as(verdict.describe()).isTrue();
    assertThat(verdict.warmUpSamples()).isEqualTo(12);
    assertThat(verdict.windowSamples()).isEqualTo(16);
    assertThat(verdict.describe()).contains("PASSED");
  }

  @Test
  void theWarmUpIsLeftOut() {
    // Everything climbs in the first fifth of the run (the JIT, the arenas, the cache's fill).
    SoakCriterion.Verdict verdict = judge(second -> {
      SoakSample flat = flat(second);
      int climb = Math.max(0, 12 - second) * 20;
      return new SoakSample(second, flat.heapMiB(), flat.heapAfterGcMiB() - climb / 4.0,
          flat.nettyDirectMiB() - climb / 4.0, 0.1, flat.rssMiB() - climb,
          flat.threads() + (second < 12 ? 5 : 0), flat.fds(), flat.batches(), flat.resumes());
    });

    assertThat(verdict.passed()).as(verdict.describe()).isTrue();
  }

  @Test
  void directMemoryRetainedEveryResumeFails() {
    // A 35 KiB batch kept by every one of 30 resumes a second: 1 MiB a second.
    SoakCriterion.Verdict verdict = judge(second -> {
      SoakSample flat = flat(second);
      return new SoakSample(second, flat.heapMiB(), flat.heapAfterGcMiB(),
          flat.nettyDirectMiB() + second, 0.1, flat.rssMiB() + second, flat.threads(),
          flat.fds(), flat.batches(), flat.resumes());
    });

    assertThat(verdict.passed()).isFalse();
    assertThat(verdict.failures()).anySatisfy(failure -> assertThat(failure).startsWith("direct"));
  }

  @Test
  void heapThatCollectionsCannotFreeFails() {
    SoakCriterion.Verdict verdict = judge(second -> {
      SoakSample flat = flat(second);
      return new SoakSample(second, flat.heapMiB() + 2 * second,
          flat.heapAfterGcMiB() + 2 * second, flat.nettyDirectMiB(), 0.1, flat.rssMiB(),
          flat.threads(), flat.fds(), flat.batches(), flat.resumes());
    });

    assertThat(verdict.failures()).singleElement()
        .satisfies(failure -> assertThat(failure).startsWith("heap after GC"));
  }

  @Test
  void aThreadLeftRunningEveryFewSecondsFails() {
    SoakCriterion.Verdict verdict = judge(second -> {
      SoakSample flat = flat(second);
      return new SoakSample(second, flat.heapMiB(), flat.heapAfterGcMiB(), flat.nettyDirectMiB(),
          0.1, flat.rssMiB(), flat.threads() + second / 10, flat.fds(), flat.batches(),
          flat.resumes());
    });

    assertThat(verdict.failures()).singleElement()
        .satisfies(failure -> assertThat(failure).startsWith("threads"));
  }

  @Test
  void aFileLeftOpenEverySecondFails() {
    SoakCriterion.Verdict verdict = judge(second -> {
      SoakSample flat = flat(second);
      return new SoakSample(second, flat.heapMiB(), flat.heapAfterGcMiB(), flat.nettyDirectMiB(),
          0.1, flat.rssMiB(), flat.threads(), flat.fds() + second, flat.batches(),
          flat.resumes());
    });

    assertThat(verdict.failures()).singleElement()
        .satisfies(failure -> assertThat(failure).startsWith("file descriptors"));
  }

  @Test
  void aPipelineThatStopsFails() {
    SoakCriterion.Verdict verdict = judge(second -> {
      SoakSample flat = flat(second);
      return new SoakSample(second, flat.heapMiB(), flat.heapAfterGcMiB(), flat.nettyDirectMiB(),
          0.1, flat.rssMiB(), flat.threads(), flat.fds(), 1000L * Math.min(second, 40),
          flat.resumes());
    });

    assertThat(verdict.failures()).singleElement()
        .satisfies(failure -> assertThat(failure).contains("the pipeline stopped"));
  }

  @Test
  void aRunTooShortToJudgeFails() {
    SoakCriterion.Verdict verdict = SoakCriterion.judge(run(SoakCriterionTest::flat).subList(0, 8),
        SoakCriterion.Bounds.DEFAULT);

    assertThat(verdict.failures()).singleElement()
        .satisfies(failure -> assertThat(failure).contains("run longer"));
  }

  @Test
  void samplesSurviveTheCsv(@TempDir Path dir) throws Exception {
    List<SoakSample> samples = run(SoakCriterionTest::flat);
    Path file = dir.resolve("soak.csv");

    SoakSample.writeCsv(file, samples);

    assertThat(SoakSample.readCsv(file)).isEqualTo(samples);
  }
}
