package dev.ingest.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The per-iteration figures of JMH's JSON result files ({@code -rf json}). Runs of the same
 * benchmark (same method, parameters and thread count) found in several files, as when the
 * runner repeats the whole suite in rounds, are merged into one result with all their
 * iterations.
 */
final class JmhResults {
  /** The name under which the primary metric (operations per second) is kept. */
  static final String OPERATIONS = "ops";

  /**
   * One benchmark's iterations.
   *
   * @param benchmark simple class name and method, e.g. {@code
   *     TFRecordReadBenchmark.nextVerifyingCrc}
   * @param metrics per-iteration values by metric name: {@link #OPERATIONS} for the primary metric,
   *     JMH's secondary names ({@code bytes}, {@code records}, {@code gc.alloc.rate.norm}, ...)
   *     for the others, each in JMH's unit for it
   */
  record Result(
      String benchmark,
      SortedMap<String, String> params,
      int threads,
      Map<String, List<Double>> metrics) {

    /** The values of one metric; empty when the run did not report it. */
    List<Double> metric(String name) {
      return metrics.getOrDefault(name, List.of());
    }

    String param(String name) {
      return params.get(name);
    }

    /** {@code name=value} pairs, or an empty string for a benchmark without parameters. */
    String paramsText() {
      StringBuilder text = new StringBuilder();
      params.forEach(
          (name, value) ->
              text.append(text.length() == 0 ? "" : ", ").append(name).append('=').append(value));
      return text.toString();
    }
  }

  private JmhResults() {}

  /** Reads and merges the given JMH JSON files, keeping the order benchmarks first appear in. */
  static List<Result> read(List<Path> files) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    List<JsonNode> roots = new ArrayList<>();
    for (Path file : files) {
      roots.add(mapper.readTree(file.toFile()));
    }
    return merge(roots);
  }

  /** Merges parsed JMH JSON documents (each an array of benchmark runs). */
  static List<Result> merge(List<JsonNode> roots) {
    Map<String, Result> byKey = new LinkedHashMap<>();
    for (JsonNode root : roots) {
      for (JsonNode run : root) {
        Result result = parse(run);
        String key = result.benchmark() + result.params() + "/" + result.threads();
        Result merged = byKey.get(key);
        if (merged == null) {
          byKey.put(key, result);
        } else {
          result.metrics().forEach(
              (name, values) ->
                  merged.metrics().computeIfAbsent(name, n -> new ArrayList<>()).addAll(values));
        }
      }
    }
    return List.copyOf(byKey.values());
  }

  private static Result parse(JsonNode run) {
    String fullName = run.path("benchmark").asText();
    int lastDot = fullName.lastIndexOf('.');
    int classDot = fullName.lastIndexOf('.', lastDot - 1);
    String benchmark = fullName.substring(classDot + 1);

    SortedMap<String, String> params = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = run.path("params").fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      params.put(field.getKey(), field.getValue().asText());
    }

    Map<String, List<Double>> metrics = new LinkedHashMap<>();
    metrics.put(OPERATIONS, iterations(run.path("primaryMetric")));
    Iterator<Map.Entry<String, JsonNode>> secondaries = run.path("secondaryMetrics").fields();
    while (secondaries.hasNext()) {
      Map.Entry<String, JsonNode> secondary = secondaries.next();
      metrics.put(secondary.getKey(), iterations(secondary.getValue()));
    }
    int threads = run.path("threads").asInt(1);
    return new Result(benchmark, Collections.unmodifiableSortedMap(params), threads, metrics);
  }

  /** All forks' iterations of one metric ({@code rawData} is one array per fork). */
  private static List<Double> iterations(JsonNode metric) {
    List<Double> values = new ArrayList<>();
    for (JsonNode fork : metric.path("rawData")) {
      for (JsonNode value : fork) {
        values.add(value.asDouble());
      }
    }
    return values;
  }
}
