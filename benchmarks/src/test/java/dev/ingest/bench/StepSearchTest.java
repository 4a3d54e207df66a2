package dev.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StepSearchTest {

  /** A pipeline that keeps up with any step of at least {@code capacityMicros}. */
  private static StepSearch.Probe pipelineWithCapacity(double capacityMicros, double step) {
    boolean keepsUp = step >= capacityMicros;
    return new StepSearch.Probe(step, keepsUp, List.of(keepsUp ? 0.0 : 0.5), List.of(1e6 / step));
  }

  @Test
  void narrowsTheFastestFedStepToWithinTheBisectionsResolution() {
    StepSearch.Outcome outcome =
        StepSearch.search(20, 20_000, 6, step -> pipelineWithCapacity(640, step));

    assertThat(outcome.probes()).hasSize(7);
    double fed = outcome.fastestFed().orElseThrow().stepMicros();
    double starved = outcome.slowestStarved().orElseThrow().stepMicros();
    assertThat(fed).isGreaterThanOrEqualTo(640);
    assertThat(starved).isLessThan(640);
    // Six halvings of a 1000x range on a log scale: 1000^(1/64), about 11.4%.
    assertThat(fed / starved).isLessThan(Math.pow(1000, 1.0 / 64) + 1e-6);
  }

  @Test
  void stopsAfterOneProbeWhenEvenTheSlowestConsumerStarves() {
    StepSearch.Outcome outcome =
        StepSearch.search(20, 20_000, 6, step -> pipelineWithCapacity(50_000, step));

    assertThat(outcome.probes()).singleElement()
        .satisfies(probe -> assertThat(probe.stepMicros()).isEqualTo(20_000));
    assertThat(outcome.fastestFed()).isEmpty();
  }

  @Test
  void aPipelineFasterThanTheLowestStepIsFedAlmostThere() {
    StepSearch.Outcome outcome =
        StepSearch.search(20, 20_000, 6, step -> pipelineWithCapacity(1, step));

    assertThat(outcome.slowestStarved()).isEmpty();
    assertThat(outcome.fastestFed().orElseThrow().stepMicros()).isLessThan(20 * 1.12);
  }
}
