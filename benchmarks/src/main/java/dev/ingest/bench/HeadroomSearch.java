package dev.ingest.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Headroom, as PERFORMANCE.md sets its bar: is the simulated accelerator's idle fraction under
 * {@value #IDLE_BAR_PERCENT}% when it asks for a given share of the pipeline's capacity? Per
 * dataset kind, in one run:
 *
 * <ol>
 *   <li>capacity: {@link IdleTimeBenchmark#ingest} with no step, the batches/s a consumer that
 *       takes batches as fast as it can gets;
 *   <li>one probe per share ({@code loads}, default 0.8, 0.9 and 0.95): the step that asks for
 *       that share of the capacity, {@code 1 / (share × capacity)}; a probe is fed when its
 *       median idle fraction is under the bar, and its achieved share is its batches/s over the
 *       capacity;
 *   <li>capacity again, so a drift of the machine during the probes shows.
 * </ol>
 *
 * Each measurement is a JMH run in its own fork, warmed up flat out ({@link SimulatedAccelerator}).
 * Writes the measurements as JSON for {@link PipelineReport}.
 *
 * <pre>
 *   java -cp benchmarks.jar:lib/* dev.ingest.bench.HeadroomSearch OUTPUT.json
 * </pre>
 *
 * <p>Batch sizes are per kind ({@code batchSizes}, default {@value #BATCH_SIZES}): tabular
 * batches of 256 come every 65 µs or so on 2 cores, and a parked thread cannot step that short
 * (a park under load wakes about 80 µs late), so tabular is asked for batches of 1024 instead.
 *
 * <p>System properties: {@code kinds} (default {@code image,tabular,text}), {@code loads}, {@code
 * batchSizes}, {@code warmups} (5), {@code iterations} (3), {@code dataMiB} (32), {@code threads}
 * (0: all cores).
 */
public final class HeadroomSearch {
  static final double IDLE_BAR = 0.01;
  static final int IDLE_BAR_PERCENT = 1;
  static final String BATCH_SIZES = "image=256,tabular=1024,text=256";

  private HeadroomSearch() {}

  /** One JMH run at one step time: its iterations' idle fractions and batches/s. */
  record Measurement(List<Double> idleFractions, List<Double> batchesPerSecond) {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: HeadroomSearch OUTPUT.json");
      System.exit(2);
    }
    Map<String, Integer> batchSizes = batchSizes(System.getProperty("batchSizes", BATCH_SIZES));
    List<Double> loads = new ArrayList<>();
    for (String load : System.getProperty("loads", "0.8,0.9,0.95").split(",")) {
      loads.add(Double.parseDouble(load));
    }
    Map<String, Object> output = new LinkedHashMap<>();
    output.put("idleBar", IDLE_BAR);
    output.put("threads", Integer.getInteger("threads", 0));
    List<Map<String, Object>> kinds = new ArrayList<>();
    for (String kind : System.getProperty("kinds", "image,tabular,text").split(",")) {
      int batchSize = batchSizes.getOrDefault(kind, PipelineBenchmark.BATCH_ROWS);
      Measurement before = measure(kind, batchSize, 0);
      double capacity = Spread.of(before.batchesPerSecond()).median();
      List<Map<String, Object>> probes = new ArrayList<>();
      for (double load : loads) {
        long stepMicros = Math.round(1e6 / (load * capacity));
        Measurement probe = measure(kind, batchSize, stepMicros);
        boolean fed = Spread.of(probe.idleFractions()).median() < IDLE_BAR;
        System.out.printf("# headroom %s: %.0f%% of %.0f batches/s, step %d µs, median idle %.4f: %s%n",
            kind, 100 * load, capacity, stepMicros, Spread.of(probe.idleFractions()).median(),
            fed ? "fed" : "starved");
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("load", load);
        entry.put("stepMicros", stepMicros);
        entry.put("keepsUp", fed);
        entry.put("idleFractions", probe.idleFractions());
        entry.put("batchesPerSecond", probe.batchesPerSecond());
        probes.add(entry);
      }
      Measurement after = measure(kind, batchSize, 0);
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("kind", kind);
      entry.put("batchSize", batchSize);
      entry.put("capacityBefore", before.batchesPerSecond());
      entry.put("capacityAfter", after.batchesPerSecond());
      entry.put("probes", probes);
      kinds.add(entry);
    }
    output.put("kinds", kinds);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(Path.of(args[0]).toFile(), output);
  }

  static Map<String, Integer> batchSizes(String spec) {
    Map<String, Integer> sizes = new LinkedHashMap<>();
    for (String pair : spec.split(",")) {
      String[] parts = pair.split("=", 2);
      if (parts.length != 2) {
        throw new IllegalArgumentException("batchSizes wants kind=size pairs, got " + pair);
      }
      sizes.put(parts[0].trim(), Integer.parseInt(parts[1].trim()));
    }
    return sizes;
  }

  /** One JMH run of the ingest feed at {@code stepMicros} (0: no step, the capacity). */
  private static Measurement measure(String kind, int batchSize, long stepMicros) {
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include("dev\\.ingest\\.bench\\.IdleTimeBenchmark\\.ingest$")
        .param("kind", kind)
        .param("stepMicros", Long.toString(stepMicros))
        .param("batchSize", Integer.toString(batchSize))
        .param("dataMiB", System.getProperty("dataMiB", "32"))
        .param("threads", Integer.toString(Integer.getInteger("threads", 0)))
        .warmupIterations(Integer.getInteger("warmups", 5))
        .warmupTime(TimeValue.seconds(1))
        .measurementIterations(Integer.getInteger("iterations", 3))
        .measurementTime(TimeValue.seconds(1))
        .shouldFailOnError(true);
    List<Double> idle = new ArrayList<>();
    List<Double> batchesPerSecond = new ArrayList<>();
    try {
      for (RunResult run : new Runner(options.build()).run()) {
        for (BenchmarkResult benchmark : run.getBenchmarkResults()) {
          for (IterationResult iteration : benchmark.getIterationResults()) {
            idle.add(iteration.getSecondaryResults().get("idleFraction").getScore());
            batchesPerSecond.add(iteration.getPrimaryResult().getScore());
          }
        }
      }
    } catch (RunnerException e) {
      throw new IllegalStateException(
          "the measurement of " + kind + " at a step of " + stepMicros + " µs failed", e);
    }
    return new Measurement(idle, batchesPerSecond);
  }
}
