package dev.ingest.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders {@link CacheBenchmark}'s JMH JSON as Markdown: per cache (none, memory, files), the
 * records/s of epoch 1 and of a later epoch (median and range over the iterations) and their
 * ratio. The ratio's range pairs the extremes (slowest later epoch over fastest first, and the
 * other way round), so it is as wide as the noise allows. On a shared machine the ratios from one
 * run are the figures to trust, not the absolute rates.
 *
 * <pre>
 *   java -cp benchmarks.jar dev.ingest.bench.CacheReport OUT.md RESULTS.json...
 * </pre>
 */
public final class CacheReport {
  private static final String CLASS = "CacheBenchmark.";
  private static final List<String> CACHES = List.of("none", "memory", "files");

  private CacheReport() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: CacheReport OUT.md RESULTS.json...");
      System.exit(2);
    }
    List<Path> inputs = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      inputs.add(Path.of(args[i]));
    }
    String markdown = render(JmhResults.read(inputs));
    Files.writeString(Path.of(args[0]), markdown);
    System.out.print(markdown);
  }

  static String render(List<JmhResults.Result> results) {
    StringBuilder out = new StringBuilder();
    out.append("# cache(): epoch 1 against later epochs\n\n");
    out.append("GZIP image shards; records/s, median [min, max] over the iterations; the ratio"
        + " is later over first, median [slowest over fastest, fastest over slowest].\n\n");
    out.append("| cache | epoch 1 records/s | later epoch records/s | later / first |\n");
    out.append("|---|---:|---:|---:|\n");
    for (String cache : CACHES) {
      Spread first = records(results, "firstEpoch", cache);
      Spread later = records(results, "laterEpoch", cache);
      if (first.isEmpty() || later.isEmpty()) {
        continue;
      }
      out.append(String.format(Locale.ROOT, "| %s | %s | %s | %.1fx [%.1f, %.1f] |%n", cache,
          text(first), text(later), later.median() / first.median(), later.min() / first.max(),
          later.max() / first.min()));
    }
    return out.toString();
  }

  private static Spread records(List<JmhResults.Result> results, String method, String cache) {
    for (JmhResults.Result result : results) {
      if (result.benchmark().equals(CLASS + method) && cache.equals(result.param("cache"))) {
        return Spread.of(result.metric("records"));
      }
    }
    return Spread.of(List.of());
  }

  private static String text(Spread spread) {
    return String.format(Locale.ROOT, "%,.0f [%,.0f, %,.0f]", spread.median(), spread.min(),
        spread.max());
  }
}
