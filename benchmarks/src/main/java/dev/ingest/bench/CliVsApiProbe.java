package dev.ingest.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.cli.IngestCommand;
import dev.ingest.cli.config.ConfigException;
import dev.ingest.cli.config.PipelineConfig;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * Does {@code ingest run} report the pipeline's throughput? In one JVM and one run, for each
 * {@code ingest gen} kind, it alternates (A, B, B, A, A, B, ...) two ways of running the same
 * pipeline YAML for {@value #EPOCHS} epochs:
 *
 * <ul>
 *   <li><b>cli</b>: {@code ingest run PIPELINE --epochs 3 --step-ms 0 --json}, in process through
 *       {@link IngestCommand#newCommandLine()}, reading the last epoch's {@code
 *       records_per_second} from its JSON report;
 *   <li><b>api</b>: the same YAML through {@link PipelineConfig#load}, {@code .dataset().repeat(3)},
 *       with a consumer that only closes its batches, timing its last epoch the way the report
 *       times one (from asking for the epoch's first batch to the end of its last).
 * </ul>
 *
 * The last epoch of a run is the warmed one a cluster is sized from. It prints and writes (as
 * Markdown and JSON) the median and range of each, and of the per-round ratio cli/api; the
 * target (PERFORMANCE.md) is a ratio of at least 0.9. Files are read through once before every
 * pass so that each finds them in the page cache; a pass that paged in from disk anyway is
 * counted.
 *
 * <pre>
 *   java -cp 'benchmarks.jar:lib/*' dev.ingest.bench.CliVsApiProbe examples=DIR data=DIR \
 *       [out=FILE.md] [json=FILE.json] [rounds=N] [warmup=N] [image=RECORDS] [tabular=RECORDS] \
 *       [text=RECORDS] [kinds=image,tabular,text]
 * </pre>
 *
 * The pipelines are the repository's examples: {@code quickstart.yaml} (image),
 * {@code tabular.yaml} and {@code text-padded.yaml}, pointed at {@code data/KIND-RECORDS/}
 * (written on first use with {@code ingest gen}'s generator, seed 42, 8 shards, and reused).
 * Not a JMH benchmark: the CLI's path is a whole command, and the question is a ratio.
 */
public final class CliVsApiProbe {
  static final int EPOCHS = 3;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Map<String, String> EXAMPLES = Map.of(
      "image", "quickstart.yaml", "tabular", "tabular.yaml", "text", "text-padded.yaml");
  private static final Map<String, Long> DEFAULT_RECORDS = Map.of(
      "image", 320_000L, "tabular", 2_000_000L, "text", 200_000L);

  private CliVsApiProbe() {}

  /** One kind's figures: records/s of each round's last epoch, and the CLI's bottlenecks. */
  record KindResult(String kind, long records, List<Double> cli, List<Double> api,
      Map<String, Integer> bottlenecks, int pagedInPasses) {
    List<Double> ratios() {
      List<Double> ratios = new ArrayList<>();
      for (int i = 0; i < Math.min(cli.size(), api.size()); i++) {
        ratios.add(cli.get(i) / api.get(i));
      }
      return ratios;
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> settings = new LinkedHashMap<>();
    for (String arg : args) {
      int equals = arg.indexOf('=');
      if (equals < 1) {
        System.err.println("usage: CliVsApiProbe examples=DIR data=DIR [out=FILE.md]"
            + " [json=FILE.json] [rounds=N] [warmup=N] [image=N] [tabular=N] [text=N]"
            + " [kinds=image,tabular,text]");
        System.exit(2);
      }
      settings.put(arg.substring(0, equals), arg.substring(equals + 1));
    }
    Path examples = Path.of(required(settings, "examples"));
    Path data = Path.of(required(settings, "data"));
    int rounds = Integer.parseInt(settings.getOrDefault("rounds", "5"));
    int warmup = Integer.parseInt(settings.getOrDefault("warmup", "1"));
    List<KindResult> results = new ArrayList<>();
    for (String kind : settings.getOrDefault("kinds", "image,tabular,text").split(",")) {
      long records = Long.parseLong(
          settings.getOrDefault(kind, Long.toString(DEFAULT_RECORDS.get(kind))));
      results.add(measure(kind, examples.resolve(EXAMPLES.get(kind)),
          shards(data, kind, records), records, warmup, rounds));
    }
    String table = markdown(results, rounds, warmup);
    System.out.print(table);
    if (settings.containsKey("out")) {
      Files.writeString(Path.of(settings.get("out")), table, StandardCharsets.UTF_8);
    }
    if (settings.containsKey("json")) {
      Files.writeString(Path.of(settings.get("json")), json(results).toPrettyString() + "\n",
          StandardCharsets.UTF_8);
    }
  }

  private static String required(Map<String, String> settings, String key) {
    String value = settings.get(key);
    if (value == null) {
      throw new IllegalArgumentException("missing " + key + "=...");
    }
    return value;
  }

  /** The kind's shards under {@code data}, written once for each record count. */
  static Path shards(Path data, String kind, long records) throws IOException {
    Path folder = data.resolve(kind + "-" + records);
    if (!Files.isDirectory(folder)) {
      SampleShards.writeOnce(SampleKind.valueOf(kind.toUpperCase(Locale.ROOT)), folder, records,
          Compression.NONE);
    }
    return folder;
  }

  static KindResult measure(String kind, Path pipeline, Path shards, long records, int warmup,
      int rounds) throws IOException, ConfigException {
    List<Double> cli = new ArrayList<>();
    List<Double> api = new ArrayList<>();
    Map<String, Integer> bottlenecks = new TreeMap<>();
    int pagedIn = 0;
    for (int round = -warmup; round < rounds; round++) {
      // A, B then B, A: whichever runs second in a round never gets a systematic edge.
      boolean cliFirst = Math.floorMod(round, 2) == 0;
      JsonNode report = null;
      double apiLastEpoch = 0;
      for (int pass = 0; pass < 2; pass++) {
        warmPageCache(shards);
        long pageIns = PageIns.kib();
        if ((pass == 0) == cliFirst) {
          report = runCli(pipeline, shards);
        } else {
          apiLastEpoch = runApi(pipeline, shards);
        }
        pagedIn += PageIns.kib() > pageIns && round >= 0 ? 1 : 0;
      }
      if (round >= 0) {
        cli.add(lastEpoch(report));
        api.add(apiLastEpoch);
        bottlenecks.merge(report.get("bottleneck").asText(), 1, Integer::sum);
      }
      System.err.printf(Locale.ROOT, "# %s round %d (%s first): cli %.0f, api %.0f records/s%s%n",
          kind, round, cliFirst ? "cli" : "api", lastEpoch(report), apiLastEpoch,
          round < 0 ? " (warm-up, not counted)" : "");
    }
    return new KindResult(kind, records, cli, api, bottlenecks, pagedIn);
  }

  private static double lastEpoch(JsonNode report) {
    JsonNode epochs = report.get("epochs");
    return epochs.get(epochs.size() - 1).get("records_per_second").asDouble();
  }

  /** {@code ingest run} as a user types it, in this JVM; its JSON report. */
  static JsonNode runCli(Path pipeline, Path shards) throws IOException {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = IngestCommand.newCommandLine();
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    int exitCode = command.execute("run", pipeline.toString(),
        "--set", "source.tfrecord.files.0=" + shards, "--epochs", Integer.toString(EPOCHS),
        "--step-ms", "0", "--json");
    if (exitCode != 0) {
      throw new IllegalStateException("ingest run exited " + exitCode + ": " + err);
    }
    String[] lines = out.toString().strip().split("\\R");
    JsonNode report = MAPPER.readTree(lines[lines.length - 1]);
    if (report.get("epochs").size() != EPOCHS) {
      throw new IllegalStateException("ingest run reported " + report.get("epochs").size()
          + " epochs, not " + EPOCHS + ": " + report);
    }
    return report;
  }

  /**
   * The same YAML through the Java API, consumed by a loop that only closes its batches; the
   * last epoch's records/s, timed from asking for its first batch to the end of its last.
   */
  static double runApi(Path pipeline, Path shards) throws IOException, ConfigException {
    PipelineConfig config =
        PipelineConfig.load(pipeline, List.of("source.tfrecord.files.0=" + shards));
    try (BatchIterator batches = config.dataset().repeat(EPOCHS).iterator()) {
      long epoch = -1;
      long epochRecords = 0;
      long epochStart = 0;
      long epochEnd = 0;
      while (true) {
        long askedAt = System.nanoTime();
        if (!batches.hasNext()) {
          break;
        }
        int rows;
        try (Batch batch = batches.next()) {
          rows = batch.rows();
        }
        long batchEpoch = batches.stats().epoch();
        if (batchEpoch != epoch) {
          epoch = batchEpoch;
          epochRecords = 0;
          epochStart = askedAt;
        }
        epochRecords += rows;
        epochEnd = System.nanoTime();
      }
      if (epoch != EPOCHS - 1) {
        throw new IllegalStateException("the API run ended in epoch " + epoch);
      }
      return epochRecords / ((epochEnd - epochStart) / 1e9);
    }
  }

  private static void warmPageCache(Path shards) throws IOException {
    try (Stream<Path> files = Files.list(shards)) {
      SampleShards.readThrough(files.sorted().toList());
    }
  }

  static String markdown(List<KindResult> results, int rounds, int warmup) {
    StringBuilder text = new StringBuilder();
    text.append(String.format(Locale.ROOT, "`ingest run --epochs %d --step-ms 0` against the Java"
        + " API on the same pipeline YAML, last epoch's records/s; %d rounds (A B, B A, ...)"
        + " after %d uncounted; median (min-max)%n%n", EPOCHS, rounds, warmup));
    text.append("| kind | records | cli (`ingest run`) | api | cli / api | bottleneck named |"
        + " passes that paged in |\n|---|---|---|---|---|---|---|\n");
    for (KindResult result : results) {
      text.append(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %s | %s | %d |%n",
          result.kind(), result.records(), spread(Spread.of(result.cli()), "%,.0f"),
          spread(Spread.of(result.api()), "%,.0f"), spread(Spread.of(result.ratios()), "%.2f"),
          result.bottlenecks(), result.pagedInPasses()));
    }
    return text.toString();
  }

  private static String spread(Spread spread, String format) {
    return String.format(Locale.ROOT, format + " (" + format + "-" + format + ")",
        spread.median(), spread.min(), spread.max());
  }

  static ObjectNode json(List<KindResult> results) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("epochs", EPOCHS);
    ArrayNode kinds = root.putArray("kinds");
    for (KindResult result : results) {
      ObjectNode kind = kinds.addObject();
      kind.put("kind", result.kind());
      kind.put("records", result.records());
      result.cli().forEach(kind.putArray("cli_records_per_second")::add);
      result.api().forEach(kind.putArray("api_records_per_second")::add);
      result.ratios().forEach(kind.putArray("ratio")::add);
      kind.put("ratio_median", Spread.of(result.ratios()).median());
      ObjectNode bottlenecks = kind.putObject("bottlenecks");
      result.bottlenecks().forEach(bottlenecks::put);
      kind.put("passes_paged_in", result.pagedInPasses());
    }
    return root;
  }
}
