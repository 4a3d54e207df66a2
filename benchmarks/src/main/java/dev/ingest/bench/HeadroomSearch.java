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
 * Headroom: per dataset kind, the fastest simulated accelerator ingest's pipeline keeps fed, that
 * is the shortest step time with an idle fraction under {@value #IDLE_BAR_PERCENT}% (the median of
 * a probe's iterations). Each probe is a JMH run of {@link IdleTimeBenchmark#ingest} at one step
 * time in its own fork; {@link StepSearch} picks the steps. Writes the probes as JSON for {@link
 * PipelineReport}.
 *
 * <pre>
 *   java -cp benchmarks.jar:lib/* dev.ingest.bench.HeadroomSearch OUTPUT.json
 * </pre>
 *
 * System properties: {@code kinds} (default {@code image,tabular,text}), {@code lowMicros} (20),
 * {@code highMicros} (20000), {@code bisections} (6), {@code warmups} (1), {@code iterations} (3),
 * {@code dataMiB} (32), {@code threads} (0: all cores).
 */
public final class HeadroomSearch {
  static final double IDLE_BAR = 0.01;
  static final int IDLE_BAR_PERCENT = 1;

  private HeadroomSearch() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: HeadroomSearch OUTPUT.json");
      System.exit(2);
    }
    Map<String, Object> output = new LinkedHashMap<>();
    output.put("batchSize", PipelineBenchmark.BATCH_ROWS);
    output.put("idleBar", IDLE_BAR);
    output.put("threads", Integer.getInteger("threads", 0));
    List<Map<String, Object>> kinds = new ArrayList<>();
    for (String kind : System.getProperty("kinds", "image,tabular,text").split(",")) {
      StepSearch.Outcome outcome = StepSearch.search(
          Double.parseDouble(System.getProperty("lowMicros", "20")),
          Double.parseDouble(System.getProperty("highMicros", "20000")),
          Integer.getInteger("bisections", 6),
          step -> probe(kind, step));
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("kind", kind);
      entry.put("probes", outcome.probes());
      kinds.add(entry);
    }
    output.put("kinds", kinds);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(Path.of(args[0]).toFile(), output);
  }

  /** One JMH run of the ingest feed at {@code stepMicros}; keeps up when its median idle is under the bar. */
  private static StepSearch.Probe probe(String kind, double stepMicros) {
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include("dev\\.ingest\\.bench\\.IdleTimeBenchmark\\.ingest$")
        .param("kind", kind)
        .param("stepMicros", Long.toString((long) stepMicros))
        .param("batchSize", Integer.toString(PipelineBenchmark.BATCH_ROWS))
        .param("dataMiB", System.getProperty("dataMiB", "32"))
        .param("threads", Integer.toString(Integer.getInteger("threads", 0)))
        .warmupIterations(Integer.getInteger("warmups", 1))
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
      throw new IllegalStateException("the probe of " + kind + " at " + stepMicros + " µs failed", e);
    }
    boolean keepsUp = !idle.isEmpty() && Spread.of(idle).median() < IDLE_BAR;
    System.out.printf("# headroom %s: step %.0f µs, median idle %.4f: %s%n", kind, stepMicros,
        Spread.of(idle).median(), keepsUp ? "fed" : "starved");
    return new StepSearch.Probe(stepMicros, keepsUp, idle, batchesPerSecond);
  }
}
