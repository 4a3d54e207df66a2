package dev.ingest.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link AutotuneBenchmark}'s grid {@code ROUNDS} times (so that the settings alternate and
 * a burst of noise does not hit every repeat of one) and renders, per pipeline (dataset kind and
 * map cost), the best hand-tuned setting, auto, and auto's median over the best's median.
 * Records/s per measured iteration; medians and ranges over every round's iterations.
 *
 * <p>{@code java -cp benchmarks.jar dev.ingest.bench.AutotuneReport OUT.md [JMH options]}.
 */
public final class AutotuneReport {
  private AutotuneReport() {}

  /** A pipeline of the grid, and one setting's records/s per measured iteration. */
  record Point(String pipeline, String setting, List<Double> recordsPerSecond) {}

  /** One line per pipeline: the best grid setting, auto, and their ratio. */
  record Row(String pipeline, String bestSetting, Spread best, Spread auto, double ratio) {}

  public static void main(String[] args)
      throws RunnerException, IOException, CommandLineOptionException {
    Path out = Path.of(args.length > 0 ? args[0] : "autotune.md");
    String[] jmhArgs = args.length > 1
        ? java.util.Arrays.copyOfRange(args, 1, args.length) : new String[0];
    int rounds = Integer.parseInt(System.getenv().getOrDefault("ROUNDS", "2"));
    List<RunResult> results = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      ChainedOptionsBuilder options = new OptionsBuilder()
          .parent(new CommandLineOptions(jmhArgs))
          .include("dev\\.ingest\\.bench\\.AutotuneBenchmark\\.");
      results.addAll(new Runner(options.build()).run());
    }
    String table = render(rows(points(results)));
    Files.writeString(out, table);
    System.out.println(table);
  }

  static List<Point> points(Collection<RunResult> runs) {
    Map<String, Point> points = new TreeMap<>();
    for (RunResult run : runs) {
      String pipeline = run.getParams().getParam("kind") + ", map "
          + run.getParams().getParam("mapMicros") + " µs/record";
      String setting = run.getParams().getParam("setting");
      Point point = points.computeIfAbsent(pipeline + "|" + setting,
          key -> new Point(pipeline, setting, new ArrayList<>()));
      for (BenchmarkResult benchmark : run.getBenchmarkResults()) {
        for (IterationResult iteration : benchmark.getIterationResults()) {
          point.recordsPerSecond().add(iteration.getSecondaryResults().get("records").getScore());
        }
      }
    }
    return new ArrayList<>(points.values());
  }

  static List<Row> rows(List<Point> points) {
    Map<String, List<Point>> byPipeline = new TreeMap<>();
    points.forEach(p -> byPipeline.computeIfAbsent(p.pipeline(), k -> new ArrayList<>()).add(p));
    List<Row> rows = new ArrayList<>();
    byPipeline.forEach((pipeline, settings) -> {
      Point auto = null;
      Point best = null;
      for (Point point : settings) {
        if (point.setting().equals(AutotuneBenchmark.AUTO)) {
          auto = point;
        } else if (best == null || Spread.of(point.recordsPerSecond()).median()
            > Spread.of(best.recordsPerSecond()).median()) {
          best = point;
        }
      }
      if (auto != null && best != null) {
        Spread bestSpread = Spread.of(best.recordsPerSecond());
        Spread autoSpread = Spread.of(auto.recordsPerSecond());
        rows.add(new Row(pipeline, best.setting(), bestSpread, autoSpread,
            autoSpread.median() / bestSpread.median()));
      }
    });
    return rows;
  }

  static String render(List<Row> rows) {
    StringBuilder md = new StringBuilder(
        "| pipeline | best grid setting (threads x prefetch) | best grid records/s, median (range) |"
            + " auto records/s, median (range) | auto / best |\n|---|---|---|---|---|\n");
    for (Row row : rows) {
      md.append(String.format(Locale.ROOT, "| %s | %s | %,.0f (%,.0f – %,.0f) | %,.0f (%,.0f – %,.0f) | %.0f%% |%n",
          row.pipeline(), row.bestSetting(), row.best().median(), row.best().min(),
          row.best().max(), row.auto().median(), row.auto().min(), row.auto().max(),
          100 * row.ratio()));
    }
    return md.toString();
  }
}
