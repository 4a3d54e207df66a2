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
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Headroom per dataset kind: {@link HeadroomBenchmark} at each share of the capacity in {@code
 * loads} (default 0.8, 0.9, 0.95, 1.0), one JMH fork per share. A share is fed when the median idle
 * fraction of its iterations is under {@value #IDLE_BAR_PERCENT}%. Writes every iteration's idle
 * fraction, capacity and achieved share as JSON for {@link PipelineReport}.
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
 * batchSizes}, {@code warmups} (10), {@code iterations} (5), {@code dataMiB} (32), {@code
 * threads} (0: all cores), {@code prefetch} ({@value #PREFETCH}; -1 for AUTO).
 */
public final class HeadroomSearch {
  static final double IDLE_BAR = 0.01;
  static final int IDLE_BAR_PERCENT = 1;
  static final String BATCH_SIZES = "image=256,tabular=1024,text=256";
  /** The pipeline's prefetch depth, as in the other pipeline benchmarks. */
  static final int PREFETCH = 8;

  private HeadroomSearch() {}

  public static void main(String[] args) throws IOException, RunnerException {
    if (args.length != 1) {
      System.err.println("usage: HeadroomSearch OUTPUT.json");
      System.exit(2);
    }
    Map<String, Integer> batchSizes = batchSizes(System.getProperty("batchSizes", BATCH_SIZES));
    String loads = System.getProperty("loads", "0.8,0.9,0.95,1.0");
    Map<String, Object> output = new LinkedHashMap<>();
    output.put("idleBar", IDLE_BAR);
    output.put("threads", Integer.getInteger("threads", 0));
    int prefetch = Integer.getInteger("prefetch", PREFETCH);
    output.put("prefetch", prefetch);
    List<Map<String, Object>> kinds = new ArrayList<>();
    for (String kind : System.getProperty("kinds", "image,tabular,text").split(",")) {
      int batchSize = batchSizes.getOrDefault(kind, PipelineBenchmark.BATCH_ROWS);
      List<Map<String, Object>> probes = new ArrayList<>();
      for (RunResult run : new Runner(new OptionsBuilder()
          .include("dev\\.ingest\\.bench\\.HeadroomBenchmark\\.ingest$")
          .param("kind", kind)
          .param("load", loads.split(","))
          .param("batchSize", Integer.toString(batchSize))
          .param("dataMiB", System.getProperty("dataMiB", "32"))
          .param("threads", Integer.toString(Integer.getInteger("threads", 0)))
          .param("prefetch", Integer.toString(prefetch))
          .warmupIterations(Integer.getInteger("warmups", 10))
          .warmupTime(TimeValue.seconds(1))
          .measurementIterations(Integer.getInteger("iterations", 5))
          .measurementTime(TimeValue.seconds(1))
          .shouldFailOnError(true)
          .build()).run()) {
        probes.add(probe(kind, run));
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("kind", kind);
      entry.put("batchSize", batchSize);
      entry.put("probes", probes);
      kinds.add(entry);
    }
    output.put("kinds", kinds);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(Path.of(args[0]).toFile(), output);
  }

  /** One share's iterations, and whether the consumer was fed there. */
  private static Map<String, Object> probe(String kind, RunResult run) {
    double load = Double.parseDouble(run.getParams().getParam("load"));
    List<Double> idle = new ArrayList<>();
    List<Double> capacity = new ArrayList<>();
    List<Double> achieved = new ArrayList<>();
    for (BenchmarkResult benchmark : run.getBenchmarkResults()) {
      for (IterationResult iteration : benchmark.getIterationResults()) {
        idle.add(iteration.getSecondaryResults().get("idleFraction").getScore());
        capacity.add(iteration.getSecondaryResults().get("capacityBatchesPerSecond").getScore());
        achieved.add(iteration.getSecondaryResults().get("achievedLoad").getScore());
      }
    }
    boolean fed = !idle.isEmpty() && Spread.of(idle).median() < IDLE_BAR;
    System.out.printf("# headroom %s: asked %.0f%%, achieved %.1f%% of %.0f batches/s,"
            + " median idle %.4f: %s%n", kind, 100 * load, 100 * Spread.of(achieved).median(),
        Spread.of(capacity).median(), Spread.of(idle).median(), fed ? "fed" : "starved");
    Map<String, Object> probe = new LinkedHashMap<>();
    probe.put("load", load);
    probe.put("keepsUp", fed);
    probe.put("idleFractions", idle);
    probe.put("capacityBatchesPerSecond", capacity);
    probe.put("achievedLoads", achieved);
    return probe;
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
}
