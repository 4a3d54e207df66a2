package dev.ingest.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingest.FeatureSpec;
import dev.ingest.PaddingSpec;
import dev.ingest.PipelineSpec;
import dev.ingest.StorageOptions;
import dev.ingest.Transform;
import dev.ingest.cli.config.ConfigException;
import dev.ingest.cli.config.PipelineConfig;
import dev.ingest.spi.ReadAhead;
import dev.ingest.tfrecord.Compression;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ingest explain PIPELINE.yaml}: checks a pipeline config and prints the spec it resolves
 * to (every default filled in), the stages in the order the engine runs them, and a stable hash:
 * the SHA-256 of the spec's canonical JSON (keys in a fixed order, no spaces), so two configs
 * that differ only in layout, comments or defaults left out hash the same.
 */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description = "Checks a pipeline YAML and prints its resolved spec, stage plan and hash.")
final class ExplainCommand implements Callable<Integer> {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "PIPELINE.yaml", description = "the pipeline config")
  Path pipeline;

  @Option(names = "--set", paramLabel = "PATH=VALUE",
      description = "overrides a config value, e.g. stages.3.batch.batch_size=512")
  List<String> settings = new ArrayList<>();

  @Option(names = "--json", description = "print name, spec, plan and hash as one JSON object")
  boolean json;

  @Override
  public Integer call() throws IOException, ConfigException {
    PipelineConfig config = PipelineConfig.load(pipeline, settings);
    SourceFiles.Found sources = SourceFiles.find(config, pipeline.toString());
    // Only explain says each file's compression, so only it opens every file to detect it.
    Map<Compression, Integer> compressions = SourceFiles.compressions(sources);
    ObjectNode resolved = canonical(config.spec());
    List<String> plan = plan(config.spec());
    String hash = hash(resolved);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode node = Json.object();
      node.put("name", config.name());
      node.set("spec", resolved);
      ArrayNode stages = node.putArray("plan");
      plan.forEach(stages::add);
      node.put("hash", hash);
      node.set("sources", sources(sources, compressions));
      Json.print(out, node);
      return ExitCode.OK;
    }
    out.println("Pipeline " + config.name() + " (" + pipeline + ") is valid.");
    out.println();
    out.println("Resolved spec:");
    out.println(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(resolved));
    out.println();
    out.println("Stage plan (the order the engine runs them):");
    for (int i = 0; i < plan.size(); i++) {
      out.printf("  %d. %s%n", i + 1, plan.get(i));
    }
    out.println();
    if (config.spec().shufflesGlobally()) {
      out.println("Global shuffle:");
      globalShuffleExplanation(config.spec()).forEach(line -> out.println("  " + line));
      out.println();
    }
    out.println("Spec hash: sha256:" + hash);
    out.println();
    printSources(out, sources, compressions);
    out.flush();
    return ExitCode.OK;
  }

  /**
   * The files the source reads as they are now (not part of the spec or its hash): in all, by
   * compression, and per entry of {@code source.tfrecord.files}.
   */
  static ObjectNode sources(SourceFiles.Found found, Map<Compression, Integer> byCompression) {
    ObjectNode node = Json.object();
    node.put("files", found.files().size());
    node.put("bytes", found.bytes());
    node.put("empty_files", found.emptyFiles().size());
    ObjectNode compressions = node.putObject("compression");
    byCompression.forEach((compression, files) ->
        compressions.put(compression.wireName(), files));
    node.put("compression_detected", found.detected());
    ArrayNode entries = node.putArray("entries");
    for (SourceFiles.Entry entry : found.entries()) {
      entries.addObject()
          .put("pattern", entry.entry().pattern())
          .put("files", entry.files().size())
          .put("bytes", entry.bytes());
    }
    return node;
  }

  private static void printSources(PrintWriter out, SourceFiles.Found found,
      Map<Compression, Integer> byCompression) {
    out.println("Source files, as found now:");
    for (SourceFiles.Entry entry : found.entries()) {
      out.printf("  %s: %d file(s), %d bytes%n", entry.entry().pattern(), entry.files().size(),
          entry.bytes());
    }
    List<String> compressions = new ArrayList<>();
    byCompression.forEach((compression, files) ->
        compressions.add(compression.wireName() + " (" + files + ")"));
    out.printf("  in all: %d file(s), %d bytes, compression %s%s%s%n", found.files().size(),
        found.bytes(), String.join(", ", compressions),
        found.detected() ? " detected from the first bytes" : " as configured",
        found.emptyFiles().isEmpty() ? "" : "; " + found.emptyFiles().size()
            + " empty (0 records)");
  }

  /** The spec as JSON with the config's names, keys in a fixed order. */
  static ObjectNode canonical(PipelineSpec spec) {
    ObjectNode node = Json.object();
    PipelineSpec.SourceSpec source = spec.source();
    ObjectNode tfrecord = node.putObject("source").putObject("tfrecord");
    source.files().forEach(tfrecord.putArray("files")::add);
    tfrecord.put("compression", source.compression());
    tfrecord.put("verify_crc", source.verifyCrc());
    tfrecord.put("on_corrupt", source.onCorrupt().name().toLowerCase(java.util.Locale.ROOT));
    tfrecord.putObject("shard")
        .put("num_shards", source.numShards())
        .put("index", source.shardIndex())
        .put("by", source.shardBy().name().toLowerCase(java.util.Locale.ROOT));
    tfrecord.put("shuffle_files", source.shuffleFiles());
    tfrecord.putObject("interleave")
        .put("cycle_length", source.cycleLength())
        .put("block_length", source.blockLength());
    PipelineSpec.GlobalShuffle global = spec.globalShuffle();
    if (global.enabled()) {
      // Only with a global shuffle, the one reader of record indexes, so that the hash of every
      // other pipeline stays what it was.
      tfrecord.put("index", indexPolicy(global));
    }
    ObjectNode features = node.putObject("parse_example").putObject("features");
    for (FeatureSpec feature : spec.features().features()) {
      ObjectNode entry = features.putObject(feature.name());
      entry.put("type", feature.dtype().wireName());
      feature.shape().forEach(entry.putArray("shape")::add);
      entry.put("var_len", feature.varLen());
      entry.set("default", MAPPER.valueToTree(feature.defaultValue()));
    }
    if (!spec.transforms().isEmpty()) {
      // Only when present, so that the hash of a pipeline without transforms stays what it was.
      ArrayNode transforms = node.putArray("transforms");
      for (Transform transform : spec.transforms()) {
        ObjectNode entry = transforms.addObject().put(kind(transform), transform.name());
        String version = givenVersion(transform);
        if (version != null) {
          // Only when given, so that the hash of a pipeline without versions stays what it was.
          entry.put("version", version);
        }
      }
    }
    if (global.enabled()) {
      // window 0: no window, one permutation of every record.
      node.putObject("shuffle")
          .put("mode", "global")
          .put("window", global.window())
          .put("reshuffle_each_iteration", spec.reshuffleEachIteration());
    } else {
      // The buffer form without a mode, as before global shuffles, so that its hash stays.
      node.putObject("shuffle")
          .put("buffer_size", spec.shuffleBufferSize())
          .put("reshuffle_each_iteration", spec.reshuffleEachIteration());
    }
    PaddingSpec padding = spec.padding();
    boolean padded = !padding.lengths().isEmpty();
    ObjectNode batch = node.putObject(padded ? "padded_batch" : "batch");
    batch.put("batch_size", spec.batchSize());
    if (padded) {
      ObjectNode shapes = batch.putObject("padded_shapes");
      new TreeMap<>(padding.lengths()).forEach((name, length) -> shapes.putArray(name).add(length));
      ObjectNode values = batch.putObject("padding_values");
      for (Map.Entry<String, Object> value : new TreeMap<>(padding.values()).entrySet()) {
        values.set(value.getKey(), MAPPER.valueToTree(value.getValue()));
      }
    }
    batch.put("drop_remainder", spec.dropRemainder());
    if (spec.cache().enabled()) {
      // Only when set, so that the hash of a pipeline without a cache stays what it was.
      ObjectNode cache = node.putObject("cache").put("path",
          spec.cache().kind() == PipelineSpec.CacheSpec.Kind.MEMORY
              ? PipelineSpec.CacheSpec.MEMORY : spec.cache().pathPrefix());
      if (spec.cache().holdsRows()) {
        // Only for rows, so that the hash of a pipeline caching records stays what it was. Where
        // a row cache is listed decides the batches (a shuffle after it permutes the rows).
        cache.put("holds", "rows")
            .put("transforms_before", spec.cache().transformsBefore())
            .put("shuffle_after", spec.cache().shuffleAfter());
      }
    }
    if (spec.autoPrefetch()) {
      node.putObject("prefetch").put("buffer_size", "auto");
    } else {
      node.putObject("prefetch").put("buffer_size", spec.prefetch());
    }
    node.put("repeat", spec.epochs());
    ObjectNode options = node.putObject("options")
        .put("seed", spec.options().seed())
        .put("deterministic", spec.options().deterministic());
    if (spec.options().autoThreads()) {
      options.put("threads", "auto");
    } else {
      options.put("threads", spec.options().threads());
    }
    if (spec.options().cpuBudget() > 0) {
      // Only when set, so that the hash of a pipeline using all cores stays the same.
      options.put("cpu_budget", spec.options().cpuBudget());
    }
    if (spec.options().memoryBudget() > 0) {
      // Only when set, so that the hash of a pipeline with the automatic budget stays the same.
      options.put("memory_budget", spec.options().memoryBudget());
    }
    StorageOptions storage = spec.options().storage();
    if (!storage.equals(StorageOptions.defaults())) {
      // Only when set, so that the hash of a pipeline of local files stays what it was.
      ObjectNode storageNode = options.putObject("storage");
      ReadAhead readAhead = storage.readAhead();
      storageNode.putObject("read_ahead")
          .put("block_size", readAhead.blockBytes() == ReadAhead.AUTO ? "auto"
              : Integer.toString(readAhead.blockBytes()))
          .put("depth", readAhead.depth() == ReadAhead.AUTO ? "auto"
              : Integer.toString(readAhead.depth()));
      storage.schemes().forEach((scheme, settings) -> {
        ObjectNode schemeNode = storageNode.putObject(scheme);
        new java.util.TreeMap<>(settings).forEach(schemeNode::put);
      });
    }
    return node;
  }

  static List<String> plan(PipelineSpec spec) {
    PipelineSpec.SourceSpec source = spec.source();
    List<String> plan = new ArrayList<>();
    if (spec.shufflesGlobally()) {
      plan.add(globalRead(spec));
      plan.add(globalShuffle(spec));
    } else {
      plan.add("read tfrecord: " + source.files().size() + " pattern(s), compression "
        + source.compression() + ", shard " + source.shardIndex() + " of " + source.numShards()
        + " by " + source.shardBy().name().toLowerCase(java.util.Locale.ROOT)
        + (source.shuffleFiles() ? ", files shuffled each epoch" : ", files in order")
          + ", interleave " + source.cycleLength() + "x" + source.blockLength());
    }
    plan.add("parse_example: " + spec.features().features().size() + " feature(s) on "
        + (spec.options().autoThreads()
            ? "threads tuned while running (auto), up to " + (spec.options().cpuBudget() == 0
                ? "all cores" : spec.options().cpuBudget() + " core(s)")
            : spec.options().threads() == 0 ? "all cores" : spec.options().threads() + " thread(s)"));
    PipelineSpec.CacheSpec cache = spec.cache();
    int rowTransformsBeforeCache = cache.holdsRows() ? cache.transformsBefore() : -1;
    List<Transform> transforms = spec.transforms();
    for (int i = 0; i < transforms.size(); i++) {
      if (i == rowTransformsBeforeCache) {
        if (spec.shufflesRecords()) {
          // Listed before the row cache: the buffer shuffle, as without a cache, every epoch.
          plan.add(bufferShuffle(spec));
        }
        plan.add(rowCache(spec));
      }
      Transform transform = transforms.get(i);
      if (!(transform instanceof Transform.MapBatches)) {
        plan.add(kind(transform) + ": " + transform.name()
            + (i < rowTransformsBeforeCache || !cache.holdsRows()
                ? " (fused with parse_example on the same threads)"
                : " (on the cached rows, every epoch)"));
      }
    }
    if (rowTransformsBeforeCache == transforms.size()) {
      if (spec.shufflesRecords()) {
        plan.add(bufferShuffle(spec));
      }
      plan.add(rowCache(spec));
    }
    if (spec.permutesCachedRows()) {
      plan.add("shuffle: a seeded permutation of all cached rows, "
          + (spec.reshuffleEachIteration() ? "a new one each epoch" : "the same each epoch")
          + " (every row may land anywhere; the first epoch waits for the whole fill)");
    } else if (spec.shufflesRecords() && !cache.holdsRows()) {
      plan.add(bufferShuffle(spec));
    }
    plan.add((spec.padding().lengths().isEmpty() ? "batch: " : "padded_batch: ")
        + spec.batchSize() + " records" + (spec.dropRemainder() ? ", remainder dropped" : "")
        + (spec.filters() ? ", filled from the records that pass the filters on one thread"
            : spec.dropsRows() ? ", filled on one thread from the records after any invalid one"
                + " skipped (on_corrupt: skip)" : "")
        + (spec.shufflesGlobally() ? ", the global batch" + trainerSlice(spec) : ""));
    for (Transform transform : transforms) {
      if (transform instanceof Transform.MapBatches) {
        plan.add("map (whole batches): " + transform.name());
      }
    }
    if (!cache.holdsRows() && cache.kind() == PipelineSpec.CacheSpec.Kind.MEMORY) {
      plan.add("cache: every record read kept in memory (before shuffle and parse); later"
          + " epochs read no file");
    } else if (!cache.holdsRows() && cache.kind() == PipelineSpec.CacheSpec.Kind.FILES) {
      plan.add("cache: every record read kept in files " + cache.pathPrefix() + ".*"
          + " (before shuffle and parse); later epochs and runs read no source file");
    }
    plan.add("prefetch: " + (spec.autoPrefetch() ? "depth tuned while running (auto)"
        : spec.prefetch() + " batches"));
    plan.add("repeat: " + (spec.epochs() == -1 ? "forever" : spec.epochs() + " epoch(s)"));
    return plan;
  }

  /** Under a global shuffle the shard, file order and interleave decide nothing: not shown. */
  private static String globalRead(PipelineSpec spec) {
    PipelineSpec.SourceSpec source = spec.source();
    return "read tfrecord: " + source.files().size() + " pattern(s), compression "
        + source.compression() + ", each record where its shard's record index (.idx) says, in"
        + " the global shuffle's order; a shard without an index "
        + (spec.globalShuffle().missingIndex() == PipelineSpec.MissingIndex.BUILD
            ? "is indexed before the first epoch (index: build)"
            : "is refused (make it with ingest index)");
  }

  private static String globalShuffle(PipelineSpec spec) {
    long window = spec.globalShuffle().window();
    String order = spec.reshuffleEachIteration() ? "a new one each epoch" : "the same each epoch";
    return window == 0
        ? "shuffle: global, a seeded permutation of every record of every shard, " + order
        : "shuffle: global in windows of " + window + " consecutive records, the windows and"
            + " each window's records in seeded orders, " + order;
  }

  /** Which slice of each global batch this trainer gets, where there is more than one. */
  private static String trainerSlice(PipelineSpec spec) {
    PipelineSpec.SourceSpec source = spec.source();
    int trainers = source.numShards();
    if (trainers == 1) {
      return "";
    }
    int rows = spec.batchSize() / trainers;
    int first = source.shardIndex() * rows;
    return "; trainer " + source.shardIndex() + " of " + trainers + " gets rows " + first + " to "
        + (first + rows - 1) + " of each: its batch is " + rows + " rows";
  }

  /**
   * What a global shuffle does, in plain sentences for the human form: where records may land,
   * what batch_size means with several trainers, and what it needs on disk.
   */
  static List<String> globalShuffleExplanation(PipelineSpec spec) {
    PipelineSpec.GlobalShuffle global = spec.globalShuffle();
    PipelineSpec.SourceSpec source = spec.source();
    List<String> lines = new ArrayList<>();
    String epochs = spec.reshuffleEachIteration() ? "in a new seeded order each epoch"
        : "in the same seeded order each epoch";
    lines.add(global.window() == 0
        ? "Every record of every shard may land anywhere in the order, " + epochs + "."
        : "Records are cut into windows of " + global.window() + " consecutive records; the"
            + " windows come " + epochs + " and each window's records in an order of their own,"
            + " so a record lands only among its window's records and reads stay near each"
            + " other.");
    int trainers = source.numShards();
    lines.add(trainers == 1
        ? "batch_size (" + spec.batchSize() + ") is the global batch: with shard {num_shards: n,"
            + " index: i}, trainer i would get the i-th of n equal slices of each batch."
        : "batch_size (" + spec.batchSize() + ") is the global batch: with " + trainers
            + " trainers (num_shards), trainer i gets the i-th of " + trainers + " equal slices"
            + " of each global batch, so this trainer's (index " + source.shardIndex()
            + ") batch is batch_size / num_shards = " + spec.batchSize() / trainers + " rows.");
    lines.add(global.missingIndex() == PipelineSpec.MissingIndex.BUILD
        ? "It reads records through the record index beside each shard; a shard without one is"
            + " indexed before the first epoch (index: build)."
        : "It reads records through the record index beside each shard: run ingest index "
            + String.join(" ", source.files()) + " first (or set source.tfrecord.index: build);"
            + " a shard without one is refused.");
    return lines;
  }

  private static String indexPolicy(PipelineSpec.GlobalShuffle global) {
    return global.missingIndex() == PipelineSpec.MissingIndex.BUILD ? "build" : "require";
  }

  private static String bufferShuffle(PipelineSpec spec) {
    return "shuffle: buffer " + spec.shuffleBufferSize()
        + (spec.reshuffleEachIteration() ? ", reshuffled each epoch" : ", same order each epoch");
  }

  /**
   * A cache of rows, at its place in the plan: what it keeps, where, and what later epochs skip.
   */
  private static String rowCache(PipelineSpec spec) {
    PipelineSpec.CacheSpec cache = spec.cache();
    List<String> upstream = new ArrayList<>();
    upstream.add("parse_example");
    for (Transform transform : spec.transforms().subList(0, cache.transformsBefore())) {
      upstream.add(kind(transform) + " " + transform.name());
    }
    String kept = cache.kind() == PipelineSpec.CacheSpec.Kind.MEMORY ? "in memory"
        : "in files " + cache.pathPrefix() + ".*";
    String later = cache.kind() == PipelineSpec.CacheSpec.Kind.MEMORY ? "later epochs"
        : "later epochs and runs";
    String skipped = cache.transformsBefore() == 0 ? "reading or parsing"
        : "reading, parsing or " + (cache.transformsBefore() == 1 ? "that transform"
            : "those transforms");
    return "cache: rows after " + joined(upstream) + " kept " + kept + ": " + later + " run no "
        + skipped + (spec.permutesCachedRows()
            ? "; shuffle after it: a permutation of all cached rows each epoch" : "");
  }

  /** {@code a}, {@code a and b}, {@code a, b and c}. */
  private static String joined(List<String> words) {
    if (words.size() == 1) {
      return words.get(0);
    }
    return String.join(", ", words.subList(0, words.size() - 1)) + " and "
        + words.get(words.size() - 1);
  }

  /** The version a config or the Java API gave a row transform, not one its class declares. */
  private static String givenVersion(Transform transform) {
    if (transform instanceof Transform.MapRows map) {
      return map.version();
    }
    return transform instanceof Transform.FilterRows filter ? filter.version() : null;
  }

  private static String kind(Transform transform) {
    if (transform instanceof Transform.FilterRows) {
      return "filter";
    }
    return transform instanceof Transform.MapBatches ? "map_batches" : "map";
  }

  static String hash(ObjectNode canonical) {
    try {
      byte[] bytes = MAPPER.writeValueAsString(canonical).getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
