package dev.ingest.cli;

import dev.ingest.StageMetrics;
import dev.ingest.TunerDecision;
import dev.ingest.Tuning;
import java.io.PrintWriter;

/**
 * The human form of a run's report: throughput in records and megabytes (10^6 bytes of
 * serialized records) per second, the accelerator's idle fraction and its wait for the first
 * batch, each epoch's throughput and idle fraction when there are several, each stage's load,
 * the bottleneck with what to do about it, what the autotuner chose and why when a setting is
 * {@code auto}, and the run digest when one was computed.
 */
final class RunReport {
  private RunReport() {}

  static void printHuman(PrintWriter out, SimulatedAccelerator.Run run) {
    out.printf("  %d records in %d batches in %.2f s: %,.0f records/s, %,.1f MB/s%n",
        run.records(), run.batches(), run.seconds(), run.recordsPerSecond(),
        run.bytesPerSecond() / 1e6);
    out.printf("  accelerator idle %.2f%% of the time (step %.1f ms); first batch after %.1f ms;"
            + " wait per batch p50 %.3f ms, p99 %.3f ms%n",
        100 * run.idleFraction(), run.stepMillis(), run.firstBatchNanos() / 1e6,
        run.waitPercentileMillis(50), run.waitPercentileMillis(99));
    printEpochs(out, run);
    // A fused map or filter has a row of its own, named after its class: the column fits it.
    int nameWidth = 14;
    for (StageMetrics stage : run.metrics().stages()) {
      nameWidth = Math.max(nameWidth, stage.name().length());
    }
    out.printf("  %-" + nameWidth + "s %8s %12s %7s %13s %14s %10s %10s %7s%n", "stage", "threads",
        "elements", "busy", "waiting (in)", "waiting (out)", "p50 ms", "p99 ms", "queue");
    for (StageMetrics stage : run.metrics().stages()) {
      out.printf("  %-" + nameWidth + "s %8d %12d %6.1f%% %12.1f%% %13.1f%% %10.3f %10.3f %6.0f%%%n",
          stage.name(), stage.parallelism(), stage.elements(), 100 * stage.busyFraction(),
          100 * stage.inputWaitFraction(), 100 * stage.outputWaitFraction(),
          stage.latencyP50Micros() / 1e3, stage.latencyP99Micros() / 1e3,
          100 * stage.queueFill());
    }
    out.println("  bottleneck: " + run.metrics().bottleneck());
    out.println("  hint: " + run.metrics().hint());
    Tuning tuning = run.metrics().tuning();
    if (tuning != null && tuning.enabled()) {
      out.printf("  tuning: parse workers %d of %d%s, prefetch %d%s; %s%n", tuning.parseWorkers(),
          tuning.maxParseWorkers(), tuning.autoWorkers() ? " (auto)" : " (fixed)",
          tuning.prefetch(), tuning.autoPrefetch()
              ? " (auto, up to " + tuning.maxPrefetch() + ")" : " (fixed)",
          tuning.settled() ? "settled" : "still tuning when the run ended");
      for (TunerDecision decision : tuning.decisions()) {
        out.printf("    %7d ms  %s %s: %s%n", decision.atMillis(), decision.parameter(),
            decision.from() == decision.to() ? "stays " + decision.to()
                : decision.from() + " -> " + decision.to(), decision.reason());
      }
    }
    out.printf("  memory in flight: peak %,.1f MB of a %,.1f MB budget%n",
        run.peakMemoryBytes() / 1e6, run.memoryBudgetBytes() / 1e6);
    if (run.digest() != null) {
      out.printf("  run digest: %s (hashing took %.2f s, outside the figures above)%n",
          run.digest(), run.digestNanos() / 1e9);
    }
  }

  /**
   * One line per epoch when there is more than one (warm-up epochs included, marked), so that a
   * warmed epoch's throughput and idle time can be told from the first's.
   */
  static void printEpochs(PrintWriter out, SimulatedAccelerator.Run run) {
    if (run.warmupEpochs().size() + run.epochs().size() < 2) {
      return;
    }
    out.printf("  %-9s %10s %9s %12s %8s%n", "epoch", "records", "seconds", "records/s", "idle");
    for (SimulatedAccelerator.Epoch epoch : run.warmupEpochs()) {
      printEpoch(out, "warm-up " + epoch.epoch(), epoch);
    }
    for (SimulatedAccelerator.Epoch epoch : run.epochs()) {
      printEpoch(out, Long.toString(epoch.epoch()), epoch);
    }
  }

  private static void printEpoch(PrintWriter out, String label, SimulatedAccelerator.Epoch epoch) {
    out.printf("  %-9s %10d %9.3f %,12.0f %7.2f%%%n", label, epoch.records(), epoch.seconds(),
        epoch.recordsPerSecond(), 100 * epoch.idleFraction());
  }
}
