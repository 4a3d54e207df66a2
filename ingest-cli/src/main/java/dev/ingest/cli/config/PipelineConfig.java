package dev.ingest.cli.config;

import dev.ingest.BatchMapper;
import dev.ingest.BurnCpu;
import dev.ingest.CorruptionPolicy;
import dev.ingest.Dataset;
import dev.ingest.ExampleSpec;
import dev.ingest.ExampleSpecConfig;
import dev.ingest.PaddingSpec;
import dev.ingest.PipelineOptions;
import dev.ingest.PipelineSpec;
import dev.ingest.PipelineSpec.MissingIndex;
import dev.ingest.PipelineSpec.ShardBy;
import dev.ingest.RowFilter;
import dev.ingest.RowMapper;
import dev.ingest.StorageOptions;
import dev.ingest.cli.config.ConfigException.Problem;
import dev.ingest.spi.ReadAhead;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A pipeline YAML (CONTRACTS.md section 4) checked and mapped onto the {@link Dataset} builder.
 * Every problem is collected, each with its YAML path and line, before any is reported.
 *
 * <p>The stages are applied to the {@link Dataset} in list order. The engine runs parse_example,
 * shuffle, batch or padded_batch and prefetch in tf.data's fixed order, so those may be listed
 * in any order, each at most once; {@code map} and {@code filter} may come more than once and run
 * in the order given; {@code cache} keeps what reaches it where it is listed: records before
 * parse_example, rows after it (see {@link Dataset#cache()}).
 *
 * @param name the config's {@code name}, or the file name without its extension
 * @param dataset the builder, ready to run
 * @param spec the resolved spec, defaults filled in
 * @param sourceFiles the entries of {@code source.tfrecord.files}, each with its YAML line, so
 *     that one matching nothing can be named where it is written
 */
public record PipelineConfig(String name, Dataset dataset, PipelineSpec spec,
    List<FilesEntry> sourceFiles) {

  public PipelineConfig {
    sourceFiles = List.copyOf(sourceFiles);
  }

  /**
   * One entry of {@code source.tfrecord.files} after {@code ${ENV}} substitution and {@code
   * --set}: a file, folder or glob, its YAML path ({@code source.tfrecord.files.0}) and where it
   * starts (line 0 when {@code --set} gave it).
   */
  public record FilesEntry(String pattern, String yamlPath, int line, int column) {
    /** The problem that this entry has, in the form every config problem takes. */
    public Problem problem(String message) {
      return new Problem(yamlPath, line, column, message);
    }
  }

  // What `auto` means where tf.data accepts AUTOTUNE. Threads and prefetch: the engine's tuner
  // (Dataset.AUTO). Cycle and block length decide the order of the records, so the batches: the
  // Java API's fixed defaults (Dataset.DEFAULT_CYCLE_LENGTH, DEFAULT_BLOCK_LENGTH), the same on
  // every machine and the same as a pipeline built in Java without them.
  static final int AUTO_PREFETCH = Dataset.AUTO;
  static final int AUTO_THREADS = Dataset.AUTO;

  private static final List<String> STAGES =
      List.of("parse_example", "map", "filter", "shuffle", "batch", "padded_batch", "cache",
          "prefetch");
  private static final String BURN_CPU_COST = "micros_per_record";
  private static final String VERSION = "version";
  private static final String BUFFER_MODE = "buffer";
  private static final String GLOBAL_MODE = "global";
  private static final java.util.regex.Pattern MEMORY_SIZE =
      java.util.regex.Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(B|KiB|MiB|GiB|TiB|KB|MB|GB|TB)");
  /** Stages that may appear more than once, each running in the order given. */
  private static final Set<String> REPEATABLE_STAGES = Set.of("map", "filter");

  /** Reads, overrides, checks and maps {@code file}; the environment is the process's. */
  public static PipelineConfig load(Path file, List<String> settings) throws ConfigException {
    return load(file, settings, System::getenv);
  }

  /**
   * Reads, overrides, checks and maps {@code file}. A file that is missing, a folder, unreadable
   * or too large is a problem with the whole config, as is every problem inside it: all are a
   * {@link ConfigException} naming {@code file}.
   */
  public static PipelineConfig load(Path file, List<String> settings,
      Function<String, String> environment) throws ConfigException {
    String text = ConfigFile.read(file);
    String fallbackName = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    try {
      return parse(text, settings, environment, fallbackName);
    } catch (ConfigException e) {
      throw e.in(file.toString());
    }
  }

  public static PipelineConfig parse(String text, List<String> settings,
      Function<String, String> environment, String fallbackName) throws ConfigException {
    ConfigReader reader = new ConfigReader(environment);
    ConfigNode root = reader.override(reader.read(text), settings);
    return new Mapper(fallbackName).map(root);
  }

  /** One pass over the tree; {@code problems} collects instead of throwing. */
  private static final class Mapper {
    private final List<Problem> problems = new ArrayList<>();
    /**
     * The first row map's {@code num_parallel_calls} ({@link Dataset#AUTO} or a count), where it
     * was given, or {@code null}; every later one must agree with it.
     */
    private Long mapCalls;
    private String mapCallsPath;
    private ConfigNode mapCallsNode;
    /** options.threads as given ({@link Dataset#AUTO} or a count), and its node (null: absent). */
    private long threadsGivenValue;
    private ConfigNode threadsNode;
    private PipelineOptions resolvedOptions = PipelineOptions.defaults();
    private final String fallbackName;
    private final List<FilesEntry> sourceFiles = new ArrayList<>();
    /** source.tfrecord.index where given, and the global shuffle's mode where listed. */
    private ConfigNode indexNode;
    private String globalShufflePath;
    private ConfigNode globalShuffleNode;

    Mapper(String fallbackName) {
      this.fallbackName = fallbackName;
    }

    PipelineConfig map(ConfigNode root) throws ConfigException {
      if (!root.isMap()) {
        fail("", root, "expected a mapping with version, name, source, stages, repeat, options");
        throw new ConfigException(problems);
      }
      Map<String, ConfigNode> top = keys("", root,
          Set.of("version", "name", "source", "stages", "repeat", "options"));
      ConfigNode version = top.get("version");
      if (version == null) {
        fail("version", root, "required: version: 1");
      } else if (!Long.valueOf(1).equals(version.value())) {
        fail("version", version, "only version 1 is known, got " + version.value());
      }
      String name = fallbackName;
      if (top.containsKey("name")) {
        name = string("name", top.get("name"));
      }
      Dataset dataset = source(top.get("source"), root);
      dataset = stages(dataset, top.get("stages"), root);
      if (top.containsKey("repeat")) {
        ConfigNode repeat = top.get("repeat");
        if (repeat.value() == null) {
          dataset = dataset.repeat(-1);
        } else if (!(repeat.value() instanceof Long epochs)) {
          fail("repeat", repeat, "expected an integer, got " + describe(repeat));
        } else if (epochs != -1 && epochs < 1 || epochs > Integer.MAX_VALUE) {
          fail("repeat", repeat, "expected -1 or null (forever) or at least 1, got " + epochs);
        } else {
          dataset = dataset.repeat((int) (long) epochs);
        }
      }
      if (top.containsKey("options")) {
        dataset = dataset.withOptions(options(top.get("options")));
      }
      dataset = mapParallelism(dataset);
      if (!problems.isEmpty()) {
        throw new ConfigException(problems);
      }
      try {
        return new PipelineConfig(name == null ? fallbackName : name, dataset, dataset.spec(),
            sourceFiles);
      } catch (IllegalArgumentException e) {
        refusedSpec(dataset, root, e.getMessage());
        throw new ConfigException(problems);
      }
    }

    /**
     * Reports the spec's refusal at the key that makes it: the index policy or the global
     * shuffle where the pipeline without that key is accepted, else at the top of the file. The
     * spec says why; the config says where.
     */
    private void refusedSpec(Dataset dataset, ConfigNode root, String message) {
      if (indexNode != null && accepted(dataset.missingIndex(MissingIndex.REFUSE))) {
        fail("source.tfrecord.index", indexNode, message);
      } else if (globalShuffleNode != null
          && accepted(dataset.shuffle(0, true).missingIndex(MissingIndex.REFUSE))) {
        fail(globalShufflePath, globalShuffleNode, message);
      } else {
        fail("", root, message);
      }
    }

    private static boolean accepted(Dataset dataset) {
      try {
        dataset.spec();
        return true;
      } catch (IllegalArgumentException e) {
        return false;
      }
    }

    /**
     * Maps on records run fused with parsing, on the parse workers: their {@code
     * num_parallel_calls} is the workers' count, options.threads. A count sets it where
     * options.threads is absent and must equal it where given; {@code auto} asks for the tuner
     * unless options.threads says otherwise. Never ignored: a count that cannot be honoured is
     * refused, naming both lines.
     */
    private Dataset mapParallelism(Dataset dataset) {
      if (mapCalls == null) {
        return dataset;
      }
      if (mapCalls == Dataset.AUTO) {
        return threadsNode != null ? dataset
            : dataset.withOptions(resolvedOptions.withThreads(Dataset.AUTO));
      }
      if (threadsNode == null) {
        return dataset.withOptions(resolvedOptions.withThreads((int) (long) mapCalls));
      }
      if (threadsGivenValue != mapCalls && threadsGivenValue != Long.MIN_VALUE) {
        fail(mapCallsPath, mapCallsNode, "num_parallel_calls: " + mapCalls + " differs from"
            + " options.threads: " + threadsNode.value() + " (line " + threadsNode.line() + "): a map"
            + " runs fused on the parse workers, whose count is options.threads; give one of them,"
            + " or the same count in both");
      }
      return dataset;
    }

    /** Notes a map's {@code num_parallel_calls}, refusing one that disagrees with an earlier map. */
    private void mapCalls(String path, ConfigNode node, boolean afterBatch) {
      long calls = autoOrAtLeast(path, node, 1, Dataset.AUTO);
      if (calls == Long.MIN_VALUE) {
        return; // already refused
      }
      if (afterBatch) {
        if (calls != Dataset.AUTO) {
          fail(path, node, "a map after the batch stage runs once per batch, on the thread that"
              + " finishes it, with no calls of its own: remove num_parallel_calls (options.threads"
              + " sets the parse workers)");
        }
        return;
      }
      if (mapCalls == null) {
        mapCalls = calls;
        mapCallsPath = path;
        mapCallsNode = node;
      } else if (mapCalls != calls) {
        fail(path, node, "num_parallel_calls: " + node.value() + " differs from " + mapCallsPath
            + ": " + mapCallsNode.value() + " (line " + mapCallsNode.line() + "): maps run fused on"
            + " the same parse workers, so they share one count");
      }
    }

    private Dataset source(ConfigNode source, ConfigNode root) {
      if (source == null) {
        fail("source", root, "required: source: {tfrecord: {files: [...]}}");
        return Dataset.tfrecord("missing");
      }
      Map<String, ConfigNode> sources = keys("source", source, Set.of("tfrecord"));
      ConfigNode tfrecord = sources.get("tfrecord");
      if (tfrecord == null) {
        if (source.isMap()) {
          fail("source.tfrecord", source, "required: the only source today is tfrecord");
        }
        return Dataset.tfrecord("missing");
      }
      String at = "source.tfrecord";
      Map<String, ConfigNode> keys = keys(at, tfrecord, Set.of("files", "compression",
          "verify_crc", "on_corrupt", "shard", "shuffle_files", "interleave", "index"));
      List<String> files = files(at + ".files", keys.get("files"), tfrecord);
      Dataset dataset = Dataset.tfrecord(files.isEmpty() ? List.of("missing") : files);
      if (keys.containsKey("compression")) {
        String compression = oneOf(at + ".compression", keys.get("compression"),
            List.of("auto", "none", "gzip", "zlib"));
        if (compression != null) {
          dataset = dataset.compression(compression);
        }
      }
      if (keys.containsKey("verify_crc")) {
        Boolean verify = bool(at + ".verify_crc", keys.get("verify_crc"));
        if (Boolean.FALSE.equals(verify)) {
          fail(at + ".verify_crc", keys.get("verify_crc"),
              "not supported yet: the engine always verifies CRCs");
        }
      }
      if (keys.containsKey("on_corrupt")) {
        String policy = oneOf(at + ".on_corrupt", keys.get("on_corrupt"), List.of("fail", "skip"));
        if (policy != null) {
          dataset = dataset.onCorrupt(CorruptionPolicy.parse(policy));
        }
      }
      if (keys.containsKey("shard")) {
        ConfigNode shard = keys.get("shard");
        Map<String, ConfigNode> shardKeys =
            keys(at + ".shard", shard, Set.of("num_shards", "index", "by"));
        long numShards = shardKeys.containsKey("num_shards")
            ? atLeast(at + ".shard.num_shards", shardKeys.get("num_shards"), 1) : 1;
        long index = shardKeys.containsKey("index")
            ? atLeast(at + ".shard.index", shardKeys.get("index"), 0) : 0;
        if (numShards >= 1 && index >= numShards) {
          fail(at + ".shard.index", shardKeys.get("index"),
              "must be below num_shards (" + numShards + "), got " + index);
        }
        ShardBy by = ShardBy.FILE;
        if (shardKeys.containsKey("by")) {
          String text = oneOf(at + ".shard.by", shardKeys.get("by"), List.of("file", "record"));
          by = "record".equals(text) ? ShardBy.RECORD : ShardBy.FILE;
        }
        if (numShards >= 1 && index >= 0 && index < numShards) {
          dataset = dataset.shard((int) numShards, (int) index, by);
        }
      }
      if (keys.containsKey("index")) {
        // What a global shuffle does about a shard with no record index; Dataset.spec() refuses
        // `build` without one, and refusedSpec reports that here.
        String policy = oneOf(at + ".index", keys.get("index"), List.of("require", "build"));
        if (policy != null) {
          indexNode = keys.get("index");
          dataset = dataset.missingIndex(
              "build".equals(policy) ? MissingIndex.BUILD : MissingIndex.REFUSE);
        }
      }
      if (keys.containsKey("shuffle_files")) {
        Boolean shuffle = bool(at + ".shuffle_files", keys.get("shuffle_files"));
        if (shuffle != null) {
          dataset = dataset.shuffleFiles(shuffle);
        }
      }
      if (keys.containsKey("interleave")) {
        String path = at + ".interleave";
        Map<String, ConfigNode> interleave = keys(path, keys.get("interleave"),
            Set.of("cycle_length", "block_length", "num_parallel_calls"));
        long cycle = autoOrAtLeast(path + ".cycle_length", interleave.get("cycle_length"), 1,
            Dataset.DEFAULT_CYCLE_LENGTH);
        long block = autoOrAtLeast(path + ".block_length", interleave.get("block_length"), 1,
            Dataset.DEFAULT_BLOCK_LENGTH);
        // Reader threads: a count, auto (one per four cores), or the API's default (none: the
        // source thread reads) when the key is absent.
        ConfigNode calls = interleave.get("num_parallel_calls");
        long readers = calls == null ? Dataset.DEFAULT_INTERLEAVE_PARALLEL_CALLS
            : autoOrAtLeast(path + ".num_parallel_calls", calls, 1, Dataset.AUTO);
        if (cycle >= 1 && block >= 1 && readers >= -1) {
          dataset = dataset.interleave((int) cycle, (int) block, (int) readers);
        }
      }
      return dataset;
    }

    private List<String> files(String path, ConfigNode files, ConfigNode parent) {
      if (files == null) {
        fail(path, parent, "required: a list of files, folders or globs");
        return List.of();
      }
      if (files.value() instanceof String single) {
        if (!nonEmpty(path, files, single)) {
          return List.of();
        }
        sourceFiles.add(new FilesEntry(single, path, files.line(), files.column()));
        return List.of(single);
      }
      if (!files.isList() || files.list().isEmpty()) {
        fail(path, files, "expected a non-empty list of files, folders or globs");
        return List.of();
      }
      List<String> result = new ArrayList<>();
      for (int i = 0; i < files.list().size(); i++) {
        ConfigNode file = files.list().get(i);
        String text = string(path + "." + i, file);
        if (text != null && nonEmpty(path + "." + i, file, text)) {
          result.add(text);
          sourceFiles.add(new FilesEntry(text, path + "." + i, file.line(), file.column()));
        }
      }
      return result;
    }

    private boolean nonEmpty(String path, ConfigNode node, String text) {
      if (text.isBlank()) {
        fail(path, node, "expected a file, folder or glob, got an empty string");
        return false;
      }
      return true;
    }

    private Dataset stages(Dataset dataset, ConfigNode stages, ConfigNode root) {
      if (stages == null) {
        fail("stages", root, "required: a list with parse_example and batch or padded_batch");
        return dataset;
      }
      if (!stages.isList()) {
        fail("stages", stages, "expected a list of stages");
        return dataset;
      }
      Map<String, Integer> seen = new LinkedHashMap<>();
      for (int i = 0; i < stages.list().size(); i++) {
        ConfigNode stage = stages.list().get(i);
        String path = "stages." + i;
        if (!stage.isMap() || stage.map().size() != 1) {
          fail(path, stage, "expected a mapping with one stage name, e.g. {batch: {batch_size: 32}}");
          continue;
        }
        String kind = stage.map().keySet().iterator().next();
        ConfigNode body = stage.map().get(kind);
        path = path + "." + kind;
        if (!STAGES.contains(kind)) {
          fail(path, stage, "unknown stage; expected one of " + String.join(", ", STAGES));
          continue;
        }
        boolean batching = kind.endsWith("batch");
        String slot = batching ? "batch" : kind;
        if (REPEATABLE_STAGES.contains(kind)) {
          if (!seen.containsKey("parse_example")) {
            fail(path, stage, kind + " works on parsed records: put it after parse_example");
            continue;
          }
          if (kind.equals("filter") && seen.containsKey("batch")) {
            fail(path, stage, "filter works on records: put it before the batch stage");
            continue;
          }
          dataset = transform(dataset, path, kind, body, seen.containsKey("batch"));
          continue;
        }
        if (seen.containsKey(slot)) {
          fail(path, stage, "a second " + kind + " stage; stages." + seen.get(slot)
              + " is already one" + (batching ? " (batch and padded_batch exclude each other)" : ""));
          continue;
        }
        seen.put(slot, i);
        dataset = switch (kind) {
          case "parse_example" -> parseExample(dataset, path, body);
          case "shuffle" -> shuffle(dataset, path, body);
          case "batch" -> batch(dataset, path, body);
          case "padded_batch" -> paddedBatch(dataset, path, body);
          case "cache" -> cache(dataset, path, stage, body);
          default -> prefetch(dataset, path, body);
        };
      }
      if (!seen.containsKey("parse_example")) {
        fail("stages", stages, "a parse_example stage is required");
      }
      if (!seen.containsKey("batch")) {
        fail("stages", stages, "a batch or padded_batch stage is required");
      }
      return dataset;
    }

    /**
     * A {@code map} or {@code filter}: a class on the class path (a public no-argument
     * constructor), or the built-in {@code burn_cpu}. Before batching they work on rows; a map
     * after batching works on whole batches.
     */
    private Dataset transform(Dataset dataset, String path, String kind, ConfigNode body,
        boolean afterBatch) {
      boolean map = kind.equals("map");
      Map<String, ConfigNode> keys = keys(path, body, map
          ? Set.of("fn", "num_parallel_calls", BURN_CPU_COST, VERSION) : Set.of("fn", VERSION));
      if (keys.containsKey("num_parallel_calls")) {
        mapCalls(path + ".num_parallel_calls", keys.get("num_parallel_calls"), afterBatch);
      }
      ConfigNode fnNode = keys.get("fn");
      if (fnNode == null) {
        if (body.isMap()) {
          fail(path + ".fn", body, "required: a class name" + (map ? " or burn_cpu" : ""));
        }
        return dataset;
      }
      String fn = string(path + ".fn", fnNode);
      if (fn == null) {
        return dataset;
      }
      String version = version(path, keys.get(VERSION), map && fn.equals(BurnCpu.NAME),
          afterBatch);
      if (map && fn.equals(BurnCpu.NAME)) {
        return burnCpu(dataset, path, keys, afterBatch);
      }
      if (keys.containsKey(BURN_CPU_COST)) {
        fail(path + "." + BURN_CPU_COST, keys.get(BURN_CPU_COST),
            "only the built-in burn_cpu takes micros_per_record");
      }
      Class<?> wanted = !map ? RowFilter.class : afterBatch ? BatchMapper.class : RowMapper.class;
      Object instance = instantiate(path + ".fn", fnNode, fn, wanted, map, afterBatch);
      if (instance == null) {
        return dataset;
      }
      if (!map) {
        return dataset.filter(fn, (RowFilter) instance, version);
      }
      return afterBatch ? dataset.mapBatches(fn, (BatchMapper) instance)
          : dataset.map(fn, (RowMapper) instance, version);
    }

    /**
     * A map's or filter's {@code version}: the version of a user function's output that a cache
     * in files after it records, so that a cache filled by an older version is refused; {@code
     * null} where absent or refused. A built-in's identity is its parameters, and a map on whole
     * batches always runs after the cache: neither takes one.
     */
    private String version(String path, ConfigNode node, boolean builtIn, boolean afterBatch) {
      if (node == null) {
        return null;
      }
      String at = path + "." + VERSION;
      if (builtIn) {
        fail(at, node, "burn_cpu is a built-in: its parameters are its identity, so it takes no"
            + " version; remove it");
        return null;
      }
      if (afterBatch) {
        fail(at, node, "a map after the batch stage runs on every batch after any cache, so no"
            + " cache keeps its output: remove version");
        return null;
      }
      if (!(node.value() instanceof String text)) {
        fail(at, node, "expected a string such as \"2\" (quoted), got " + describe(node));
        return null;
      }
      if (text.isBlank()) {
        fail(at, node, "expected a version such as \"2\", got an empty string");
        return null;
      }
      return text;
    }

    private Dataset burnCpu(Dataset dataset, String path, Map<String, ConfigNode> keys,
        boolean afterBatch) {
      ConfigNode cost = keys.get(BURN_CPU_COST);
      if (cost == null) {
        fail(path + "." + BURN_CPU_COST, keys.get("fn"), "required: busy microseconds per record");
        return dataset;
      }
      if (afterBatch) {
        fail(path, keys.get("fn"), "burn_cpu works on records: put it before the batch stage");
        return dataset;
      }
      if (!(cost.value() instanceof Number number) || !(number.doubleValue() >= 0)
          || number.doubleValue() > 1_000_000) {
        fail(path + "." + BURN_CPU_COST, cost,
            "expected microseconds in [0, 1000000], got " + describe(cost));
        return dataset;
      }
      double micros = number.doubleValue();
      return dataset.map(BurnCpu.NAME + "(" + micros + " us/record)", new BurnCpu(micros));
    }

    private Object instantiate(String path, ConfigNode node, String className, Class<?> wanted,
        boolean map, boolean afterBatch) {
      Class<?> type;
      try {
        type = Class.forName(className, false, Thread.currentThread().getContextClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        fail(path, node, "no class " + className + " on the class path"
            + (map ? " (and not the built-in burn_cpu)" : ""));
        return null;
      }
      if (!wanted.isAssignableFrom(type)) {
        String where = !map ? "a filter" : afterBatch ? "a map after batch (on whole batches)"
            : "a map before batch (on records)";
        fail(path, node, className + " does not implement " + wanted.getName() + ", which "
            + where + " needs");
        return null;
      }
      try {
        return type.getConstructor().newInstance();
      } catch (NoSuchMethodException | IllegalAccessException e) {
        fail(path, node, className + " needs a public no-argument constructor");
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite
            && ite.getCause() != null ? ite.getCause() : e;
        fail(path, node, "creating " + className + " failed: " + cause);
      }
      return null;
    }

    private Dataset parseExample(Dataset dataset, String path, ConfigNode body) {
      Map<String, ConfigNode> keys = keys(path, body, Set.of("features"));
      ConfigNode features = keys.get("features");
      if (features == null) {
        if (body.isMap()) {
          fail(path + ".features", body, "required: the features to parse");
        }
        return dataset;
      }
      if (!features.isMap()) {
        fail(path + ".features", features, "expected a mapping of feature names");
        return dataset;
      }
      try {
        @SuppressWarnings("unchecked")
        Map<String, ?> plain = (Map<String, ?>) features.plain();
        ExampleSpec spec = ExampleSpecConfig.fromConfig(plain);
        return dataset.parseExample(spec);
      } catch (IllegalArgumentException e) {
        // the message starts with the key path below parse_example: "features.label.default: ..."
        String message = e.getMessage();
        int colon = message.indexOf(": ");
        String relative = colon > 0 ? message.substring(0, colon) : "features";
        String detail = colon > 0 ? message.substring(colon + 2) : message;
        fail(path + "." + relative, locate(body, relative), detail);
        return dataset;
      }
    }

    /** The deepest node along {@code relative} (dotted keys) below {@code node}. */
    private static ConfigNode locate(ConfigNode node, String relative) {
      ConfigNode at = node;
      for (String key : relative.split("\\.")) {
        if (at.isMap() && at.map().containsKey(key)) {
          at = at.map().get(key);
        } else {
          break;
        }
      }
      return at;
    }

    /**
     * {@code cache: {path: memory}}, or {@code path: <prefix>} for a cache in files whose names
     * start with the prefix. Its place in the list decides what it keeps, as in tf.data: the
     * stages are applied in list order, so listed before {@code parse_example} it keeps records,
     * after it the rows that reach it (after the maps and filters listed before it), and a {@code
     * shuffle} listed after such a cache permutes the cached rows. A cache the spec refuses where
     * it is listed (after a map on whole batches) is reported at the cache stage's line.
     */
    private Dataset cache(Dataset dataset, String path, ConfigNode stage, ConfigNode body) {
      Map<String, ConfigNode> keys = keys(path, body, Set.of("path"));
      ConfigNode where = keys.get("path");
      if (where == null) {
        if (body.isMap()) {
          fail(path + ".path", body, "required: memory (or a file path prefix)");
        }
        return dataset;
      }
      String value = string(path + ".path", where);
      if (value == null) {
        return dataset;
      }
      Dataset cached;
      if (value.equals(PipelineSpec.CacheSpec.MEMORY)) {
        cached = dataset.cache();
      } else {
        try {
          PipelineSpec.CacheSpec.files(value);
        } catch (IllegalArgumentException e) {
          fail(path + ".path", where, "expected memory or a file path prefix such as"
              + " cache/train: " + e.getMessage());
          return dataset;
        }
        cached = dataset.cache(value);
      }
      String refusal = refusalOfCache(dataset, cached);
      if (refusal != null) {
        fail(path, stage, refusal);
        return dataset;
      }
      return cached;
    }

    /**
     * Why the spec refuses {@code cached} when it accepts {@code uncached}, the same pipeline
     * before the cache was added; {@code null} if it does not. Both are checked so that a
     * problem of another stage is not reported at the cache's line.
     */
    private static String refusalOfCache(Dataset uncached, Dataset cached) {
      try {
        uncached.spec();
      } catch (IllegalArgumentException e) {
        return null; // not the cache's problem; reported where it belongs, or at the end
      }
      try {
        cached.spec();
        return null;
      } catch (IllegalArgumentException e) {
        return e.getMessage();
      }
    }

    /**
     * {@code shuffle}: {@code mode: buffer} (the default) shuffles through a buffer of {@code
     * buffer_size} records; {@code mode: global} draws every record of every shard in a seeded
     * order through the record indexes, in windows of {@code window} records where given. Each
     * mode refuses the other's size, so that a size never silently means nothing.
     */
    private Dataset shuffle(Dataset dataset, String path, ConfigNode body) {
      Map<String, ConfigNode> keys = keys(path, body,
          Set.of("mode", "buffer_size", "window", "reshuffle_each_iteration"));
      String mode = keys.containsKey("mode")
          ? oneOf(path + ".mode", keys.get("mode"), List.of(BUFFER_MODE, GLOBAL_MODE))
          : BUFFER_MODE;
      Boolean reshuffle = keys.containsKey("reshuffle_each_iteration")
          ? bool(path + ".reshuffle_each_iteration", keys.get("reshuffle_each_iteration")) : Boolean.TRUE;
      if (mode == null || reshuffle == null) {
        // An unknown mode or a reshuffle that is not a boolean, already refused: the sizes of
        // a shuffle that cannot be built mean nothing yet.
        return dataset;
      }
      if (mode.equals(GLOBAL_MODE)) {
        return globalShuffle(dataset, path, keys, reshuffle);
      }
      if (keys.containsKey("window")) {
        fail(path + ".window", keys.get("window"), "a window belongs to a global shuffle: add"
            + " mode: global, or remove window (a buffer shuffle's size is buffer_size)");
      }
      if (!keys.containsKey("buffer_size")) {
        if (body.isMap()) {
          fail(path + ".buffer_size", body, "required: records in the shuffle buffer"
              + " (or mode: global for a shuffle over every record, with no buffer)");
        }
        return dataset;
      }
      long size = atLeast(path + ".buffer_size", keys.get("buffer_size"), 0);
      return size >= 0 && reshuffle != null
          ? dataset.shuffle((int) size, reshuffle) : dataset;
    }

    private Dataset globalShuffle(Dataset dataset, String path, Map<String, ConfigNode> keys,
        Boolean reshuffle) {
      boolean ok = reshuffle != null;
      if (keys.containsKey("buffer_size")) {
        fail(path + ".buffer_size", keys.get("buffer_size"), "a global shuffle has no buffer:"
            + " it reads any record where the record indexes say it is; remove buffer_size (or"
            + " give window: N records to keep reads near each other)");
        ok = false;
      }
      long window = 0;
      if (keys.containsKey("window")) {
        window = atLeast(path + ".window", keys.get("window"), 1);
        ok &= window >= 1;
      }
      globalShufflePath = path + ".mode";
      globalShuffleNode = keys.get("mode");
      return ok ? dataset.shuffleGlobal(window, reshuffle) : dataset;
    }

    private Dataset batch(Dataset dataset, String path, ConfigNode body) {
      Map<String, ConfigNode> keys = keys(path, body, Set.of("batch_size", "drop_remainder"));
      long size = batchSize(path, body, keys);
      Boolean drop = dropRemainder(path, keys);
      return size >= 1 && drop != null ? dataset.batch((int) size, drop) : dataset;
    }

    private Dataset paddedBatch(Dataset dataset, String path, ConfigNode body) {
      Map<String, ConfigNode> keys = keys(path, body,
          Set.of("batch_size", "padded_shapes", "padding_values", "drop_remainder"));
      long size = batchSize(path, body, keys);
      Boolean drop = dropRemainder(path, keys);
      PaddingSpec padding = PaddingSpec.none();
      boolean ok = true;
      ConfigNode shapes = keys.get("padded_shapes");
      if (shapes != null) {
        if (!shapes.isMap()) {
          fail(path + ".padded_shapes", shapes, "expected a mapping of feature: [length]");
          ok = false;
        } else {
          for (Map.Entry<String, ConfigNode> entry : shapes.map().entrySet()) {
            String at = path + ".padded_shapes." + entry.getKey();
            Integer length = paddedLength(at, entry.getValue());
            if (length == null) {
              ok = false;
            } else {
              padding = padding.pad(entry.getKey(), length);
            }
          }
        }
      }
      ConfigNode values = keys.get("padding_values");
      if (values != null) {
        if (!values.isMap()) {
          fail(path + ".padding_values", values, "expected a mapping of feature: value");
          ok = false;
        } else {
          for (Map.Entry<String, ConfigNode> entry : values.map().entrySet()) {
            String at = path + ".padding_values." + entry.getKey();
            Object value = entry.getValue().value();
            if (!(value instanceof Number) && !(value instanceof String)) {
              fail(at, entry.getValue(), "expected a number or a string");
              ok = false;
              continue;
            }
            try {
              padding = padding.withValue(entry.getKey(), value);
            } catch (IllegalArgumentException e) {
              fail(at, entry.getValue(), e.getMessage());
              ok = false;
            }
          }
        }
      }
      return ok && size >= 1 && drop != null ? dataset.paddedBatch((int) size, padding, drop)
          : dataset;
    }

    /** {@code [n]} pads to n; {@code []}, {@code [null]} or {@code [-1]} to the longest row. */
    private Integer paddedLength(String path, ConfigNode shape) {
      if (!shape.isList() || shape.list().size() > 1) {
        fail(path, shape, "expected [length], or [] / [-1] for the longest row of the batch");
        return null;
      }
      if (shape.list().isEmpty() || shape.list().get(0).value() == null) {
        return PaddingSpec.LONGEST;
      }
      ConfigNode length = shape.list().get(0);
      if (!(length.value() instanceof Long value) || value != -1 && (value < 1 || value > Integer.MAX_VALUE)) {
        fail(path + ".0", length, "expected a length of at least 1, or -1 for the longest row");
        return null;
      }
      return value == -1 ? PaddingSpec.LONGEST : (int) (long) value;
    }

    private long batchSize(String path, ConfigNode body, Map<String, ConfigNode> keys) {
      if (!keys.containsKey("batch_size")) {
        if (body.isMap()) {
          fail(path + ".batch_size", body, "required: records per batch");
        }
        return -1;
      }
      return atLeast(path + ".batch_size", keys.get("batch_size"), 1);
    }

    private Boolean dropRemainder(String path, Map<String, ConfigNode> keys) {
      return keys.containsKey("drop_remainder")
          ? bool(path + ".drop_remainder", keys.get("drop_remainder")) : Boolean.FALSE;
    }

    private Dataset prefetch(Dataset dataset, String path, ConfigNode body) {
      Map<String, ConfigNode> keys = keys(path, body, Set.of("buffer_size"));
      long size = autoOrAtLeast(path + ".buffer_size", keys.get("buffer_size"), 1, AUTO_PREFETCH);
      return size >= 1 || size == Dataset.AUTO ? dataset.prefetch((int) size) : dataset;
    }

    private PipelineOptions options(ConfigNode options) {
      Map<String, ConfigNode> keys = keys("options", options,
          Set.of("seed", "deterministic", "memory_budget", "threads", "cpu_budget", "storage"));
      PipelineOptions defaults = PipelineOptions.defaults();
      long seed = defaults.seed();
      if (keys.containsKey("seed")) {
        ConfigNode node = keys.get("seed");
        if (node.value() instanceof Long value) {
          seed = value;
        } else {
          fail("options.seed", node, "expected an integer, got " + describe(node));
        }
      }
      boolean deterministic = defaults.deterministic();
      if (keys.containsKey("deterministic")) {
        Boolean value = bool("options.deterministic", keys.get("deterministic"));
        deterministic = value == null ? deterministic : value;
      }
      long memoryBudget = 0;
      if (keys.containsKey("memory_budget")) {
        ConfigNode node = keys.get("memory_budget");
        memoryBudget = bytes(node.value());
        if (memoryBudget < 0) {
          fail("options.memory_budget", node,
              "expected bytes, a size such as 512MiB or 2GiB, or auto; got " + describe(node));
          memoryBudget = 0;
        }
      }
      // Without the key, one worker per core as before; `auto` hands the count to the tuner.
      threadsNode = keys.get("threads");
      long threads = threadsNode != null
          ? autoOrAtLeast("options.threads", threadsNode, 1, AUTO_THREADS) : 0;
      threadsGivenValue = threads;
      long cpuBudget = autoOrAtLeast("options.cpu_budget", keys.get("cpu_budget"), 1, 0);
      resolvedOptions = new PipelineOptions(seed, deterministic,
          threads == Dataset.AUTO ? Dataset.AUTO : (int) Math.max(threads, 0), memoryBudget,
          (int) Math.max(cpuBudget, 0), storage(keys.get("storage")));
      return resolvedOptions;
    }

    /**
     * {@code options.storage}: {@code read_ahead: {block_size, depth}} for every remote file, and
     * per scheme ({@code s3}) the settings its provider takes.
     */
    private StorageOptions storage(ConfigNode node) {
      Map<String, ConfigNode> keys = keys("options.storage", node, Set.of("read_ahead", "s3"));
      StorageOptions storage = StorageOptions.defaults();
      if (keys.containsKey("read_ahead")) {
        storage = storage.withReadAhead(readAhead(keys.get("read_ahead")));
      }
      if (keys.containsKey("s3")) {
        Map<String, ConfigNode> s3 = keys("options.storage.s3", keys.get("s3"),
            Set.of("endpoint", "region", "path_style"));
        Map<String, String> settings = new LinkedHashMap<>();
        if (s3.containsKey("endpoint")) {
          String endpoint = string("options.storage.s3.endpoint", s3.get("endpoint"));
          if (endpoint != null && !endpoint.matches("(?i)https?://[^/\\s]+/?")) {
            fail("options.storage.s3.endpoint", s3.get("endpoint"),
                "expected an http:// or https:// address such as http://localhost:9000, got \""
                    + endpoint + "\"");
          } else if (endpoint != null) {
            settings.put("endpoint", endpoint);
          }
        }
        if (s3.containsKey("region")) {
          String region = string("options.storage.s3.region", s3.get("region"));
          if (region != null) {
            settings.put("region", region);
          }
        }
        if (s3.containsKey("path_style")) {
          Boolean pathStyle = bool("options.storage.s3.path_style", s3.get("path_style"));
          if (pathStyle != null) {
            settings.put("path_style", pathStyle.toString());
          }
        }
        storage = storage.withScheme("s3", settings);
      }
      return storage;
    }

    private ReadAhead readAhead(ConfigNode node) {
      String path = "options.storage.read_ahead";
      Map<String, ConfigNode> keys = keys(path, node, Set.of("block_size", "depth"));
      int block = ReadAhead.AUTO;
      if (keys.containsKey("block_size")) {
        ConfigNode blockNode = keys.get("block_size");
        long bytes = bytes(blockNode.value());
        if (bytes < 0 || (bytes != 0
            && (bytes < ReadAhead.MIN_BLOCK_BYTES || bytes > ReadAhead.MAX_BLOCK_BYTES))) {
          fail(path + ".block_size", blockNode, "expected auto or a size from 4KiB to 256MiB,"
              + " such as 8MiB; got " + describe(blockNode));
        } else {
          block = (int) bytes;
        }
      }
      long depth = autoOrAtLeast(path + ".depth", keys.get("depth"), 1, ReadAhead.AUTO);
      if (depth > ReadAhead.MAX_DEPTH) {
        fail(path + ".depth", keys.get("depth"),
            "must be at most " + ReadAhead.MAX_DEPTH + ", got " + depth);
        depth = ReadAhead.AUTO;
      }
      return new ReadAhead(block, (int) Math.max(depth, ReadAhead.AUTO));
    }

    /** A memory size in bytes: a positive integer, or a number with a unit; 0 for auto; -1 if bad. */
    private static long bytes(Object value) {
      if ("auto".equals(value)) {
        return 0;
      }
      if (value instanceof Long number) {
        return number > 0 ? number : -1;
      }
      if (!(value instanceof String text)) {
        return -1;
      }
      java.util.regex.Matcher size = MEMORY_SIZE.matcher(text.trim());
      if (!size.matches()) {
        return -1;
      }
      double amount = Double.parseDouble(size.group(1));
      long unit = switch (size.group(2)) {
        case "KiB" -> 1L << 10;
        case "MiB" -> 1L << 20;
        case "GiB" -> 1L << 30;
        case "TiB" -> 1L << 40;
        case "KB" -> 1_000L;
        case "MB" -> 1_000_000L;
        case "GB" -> 1_000_000_000L;
        case "TB" -> 1_000_000_000_000L;
        default -> 1L;
      };
      double bytes = amount * unit;
      return bytes >= 1 && bytes < Long.MAX_VALUE ? (long) bytes : -1;
    }

    // --- typed readers: each records a problem and returns a sentinel instead of throwing ---

    private Map<String, ConfigNode> keys(String path, ConfigNode node, Set<String> allowed) {
      if (node == null) {
        return Map.of();
      }
      if (!node.isMap()) {
        fail(path, node, "expected a mapping, got " + describe(node));
        return Map.of();
      }
      Map<String, ConfigNode> known = new LinkedHashMap<>();
      node.map().forEach((key, value) -> {
        if (allowed.contains(key)) {
          known.put(key, value);
        } else {
          fail(path.isEmpty() ? key : path + "." + key, value,
              "unknown key; expected one of " + String.join(", ", allowed.stream().sorted().toList()));
        }
      });
      return known;
    }

    private String string(String path, ConfigNode node) {
      if (node.value() instanceof String text) {
        return text;
      }
      fail(path, node, "expected a string, got " + describe(node));
      return null;
    }

    private String oneOf(String path, ConfigNode node, List<String> choices) {
      String text = string(path, node);
      if (text != null && !choices.contains(text)) {
        fail(path, node, "expected one of " + String.join(", ", choices) + ", got " + text);
        return null;
      }
      return text;
    }

    private Boolean bool(String path, ConfigNode node) {
      if (node.value() instanceof Boolean value) {
        return value;
      }
      fail(path, node, "expected true or false, got " + describe(node));
      return null;
    }

    private long integer(String path, ConfigNode node) {
      if (node.value() instanceof Long value) {
        return value;
      }
      fail(path, node, "expected an integer, got " + describe(node));
      return Long.MIN_VALUE;
    }

    /** The integer at {@code node}, or {@code Long.MIN_VALUE} after recording a problem. */
    private long atLeast(String path, ConfigNode node, long minimum) {
      long value = integer(path, node);
      if (value == Long.MIN_VALUE) {
        return value;
      }
      if (value < minimum || value > Integer.MAX_VALUE) {
        fail(path, node, "must be at least " + minimum + " and at most " + Integer.MAX_VALUE
            + ", got " + value);
        return Long.MIN_VALUE;
      }
      return value;
    }

    /** Like {@link #atLeast}, with {@code auto} (or no value) meaning {@code auto}. */
    private long autoOrAtLeast(String path, ConfigNode node, long minimum, long auto) {
      if (node == null || "auto".equals(node.value())) {
        return auto;
      }
      if (node.value() instanceof String) {
        fail(path, node, "expected an integer or auto, got " + describe(node));
        return Long.MIN_VALUE;
      }
      return atLeast(path, node, minimum);
    }

    private static String describe(ConfigNode node) {
      Object value = node.value();
      if (value == null) {
        return "null";
      }
      if (node.isMap()) {
        return "a mapping";
      }
      if (node.isList()) {
        return "a list";
      }
      return value instanceof String text ? "\"" + text + "\"" : String.valueOf(value);
    }

    private void fail(String path, ConfigNode node, String message) {
      problems.add(new Problem(path, node.line(), node.column(), message));
    }
  }
}
