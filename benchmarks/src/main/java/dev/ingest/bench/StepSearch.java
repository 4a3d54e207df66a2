package dev.ingest.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleFunction;

/**
 * A short search for the fastest consumer a pipeline keeps fed: bisection over the step time on a
 * log scale (steps from tens of µs to tens of ms matter alike), assuming a longer step never
 * makes the pipeline fall behind. Each probe is a measurement, so the number of probes is fixed
 * and small; the answer is as fine as {@code (high / low)^(1 / 2^probes)}.
 */
final class StepSearch {
  private StepSearch() {}

  /** One measurement at one step time. */
  record Probe(double stepMicros, boolean keepsUp, List<Double> idleFractions,
      List<Double> batchesPerSecond) {}

  /** Every probe in the order taken; the fastest fed step is the shortest that kept up. */
  record Outcome(List<Probe> probes) {
    Optional<Probe> fastestFed() {
      return probes.stream().filter(Probe::keepsUp)
          .min((a, b) -> Double.compare(a.stepMicros(), b.stepMicros()));
    }

    /** The longest step that did not keep up, if any: the answer lies between the two. */
    Optional<Probe> slowestStarved() {
      return probes.stream().filter(probe -> !probe.keepsUp())
          .max((a, b) -> Double.compare(a.stepMicros(), b.stepMicros()));
    }
  }

  /**
   * Probes {@code highMicros} first (if even that starves the consumer, the search stops there),
   * then {@code bisections} geometric midpoints between the last step that starved and the last
   * that kept up, starting from {@code lowMicros} as starved.
   */
  static Outcome search(double lowMicros, double highMicros, int bisections,
      DoubleFunction<Probe> probeAt) {
    if (!(lowMicros > 0 && highMicros > lowMicros)) {
      throw new IllegalArgumentException("need 0 < low < high, got " + lowMicros + ", " + highMicros);
    }
    List<Probe> probes = new ArrayList<>();
    Probe top = probeAt.apply(highMicros);
    probes.add(top);
    if (!top.keepsUp()) {
      return new Outcome(List.copyOf(probes));
    }
    double starved = lowMicros;
    double fed = highMicros;
    for (int i = 0; i < bisections; i++) {
      double middle = Math.rint(Math.sqrt(starved * fed));
      if (middle <= starved || middle >= fed) {
        break;
      }
      Probe probe = probeAt.apply(middle);
      probes.add(probe);
      if (probe.keepsUp()) {
        fed = middle;
      } else {
        starved = middle;
      }
    }
    return new Outcome(List.copyOf(probes));
  }
}
