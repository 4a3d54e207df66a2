package dev.ingest.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.ingest.BurnCpu;
import dev.ingest.CorruptionPolicy;
import dev.ingest.DType;
import dev.ingest.Dataset;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import dev.ingest.PaddingSpec;
import dev.ingest.PipelineSpec;
import dev.ingest.PipelineSpec.ShardBy;
import dev.ingest.Row;
import dev.ingest.RowFilter;
import dev.ingest.RowMapper;
import dev.ingest.Transform;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineConfigTest {
  private static final String FULL = """
      version: 1
      name: cifar-like
      source:
        tfrecord:
          files: ["data/image/*.tfrecord"]
          compression: gzip
          verify_crc: true
          on_corrupt: skip
          shard: {num_shards: 4, index: 3, by: record}
          shuffle_files: false
          interleave: {cycle_length: 2, block_length: auto, num_parallel_calls: auto}
      stages:
        - prefetch: {buffer_size: 8}
        - parse_example:
            features:
              image: {type: bytes}
              label: {type: int64, shape: [], default: 0}
        - shuffle: {buffer_size: 1000, reshuffle_each_iteration: false}
        - batch: {batch_size: 256, drop_remainder: true}
      repeat: 3
      options: {seed: 7, deterministic: true, memory_budget: 2GiB, threads: auto}
      """;

  private static PipelineConfig parse(String yaml, String... settings) throws ConfigException {
    return PipelineConfig.parse(yaml, List.of(settings), Map.of("DATA", "from-env")::get, "file");
  }

  private static List<String> problems(String yaml, String... settings) {
    try {
      parse(yaml, settings);
    } catch (ConfigException e) {
      return e.problems().stream().map(ConfigException.Problem::toString).toList();
    }
    throw new AssertionError("expected the config to be refused");
  }

  /**
   * The YAML's interleave defaults are the Java API's: a pipeline that leaves cycle length, block
   * length or reader threads out (or says auto for the lengths) is the one {@link Dataset} builds
   * without calling interleave, down to the fingerprint a saved state is checked against.
   */
  @Test
  void interleaveLeftOutOrAutoIsTheJavaApisDefaultInterleave() throws ConfigException {
    String yaml = """
        version: 1
        source:
          tfrecord:
            files: ["data/train"]
        INTERLEAVE
        stages:
          - parse_example:
              features:
                label: {type: int64}
          - batch: {batch_size: 32, drop_remainder: false}
        """;
    PipelineSpec javaDefault = Dataset.tfrecord("data/train")
        .parseExample(ExampleSpec.of(FeatureSpec.fixed("label", DType.INT64)))
        .batch(32, false)
        .spec();

    for (String interleave : List.of("", "    interleave: {}",
        "    interleave: {cycle_length: auto, block_length: auto}",
        "    interleave: {block_length: auto}", "    interleave: {cycle_length: auto}")) {
      PipelineSpec fromYaml = parse(yaml.replace("INTERLEAVE\n", interleave.isEmpty() ? ""
          : interleave + "\n")).spec();
      assertThat(fromYaml).as(interleave).isEqualTo(javaDefault);
      assertThat(fromYaml.fingerprint()).as(interleave).isEqualTo(javaDefault.fingerprint());
    }
  }

  @Test
  void interleaveNumParallelCallsStartsReaderThreadsOnlyWhenGiven() throws ConfigException {
    String given = "num_parallel_calls: auto}";
    assertThat(FULL).contains(given);
    assertThat(parse(FULL.replace(given, "num_parallel_calls: 3}")).spec().source()
        .numParallelCalls()).isEqualTo(3);
    assertThat(parse(FULL.replace(", " + given, "}")).spec().source().numParallelCalls())
        .as("absent: the source thread reads").isZero();
    assertThat(parse(FULL).spec().source().readerThreads(2)).as("auto on 2 cores").isZero();
    assertThat(parse(FULL).spec().source().readerThreads(16)).as("auto on 16 cores, cycle 2")
        .isEqualTo(2);
  }

  @Test
  void mapsEveryKeyOntoTheSpec() throws ConfigException {
    PipelineConfig config = parse(FULL);
    PipelineSpec spec = config.spec();

    assertThat(config.name()).isEqualTo("cifar-like");
    assertThat(spec.source()).isEqualTo(new PipelineSpec.SourceSpec(
        List.of("data/image/*.tfrecord"), "gzip", true, CorruptionPolicy.SKIP, 4, 3,
        ShardBy.RECORD, false, 2, Dataset.DEFAULT_BLOCK_LENGTH, Dataset.AUTO));
    assertThat(spec.features().features()).hasSize(2);
    assertThat(spec.shuffleBufferSize()).isEqualTo(1000);
    assertThat(spec.reshuffleEachIteration()).isFalse();
    assertThat(spec.batchSize()).isEqualTo(256);
    assertThat(spec.dropRemainder()).isTrue();
    assertThat(spec.prefetch()).isEqualTo(8);
    assertThat(spec.epochs()).isEqualTo(3);
    assertThat(spec.options().seed()).isEqualTo(7);
    // threads: auto hands the parse workers to the tuner (Dataset.AUTO), within all cores.
    assertThat(spec.options().threads()).isEqualTo(Dataset.AUTO);
    assertThat(spec.options().cpuBudget()).isZero();
    assertThat(spec.options().memoryBudget()).isEqualTo(2L << 30);
  }

  @Test
  void mapsTheCacheToNoneMemoryOrFilesAtAPathPrefix() throws ConfigException {
    String base = FULL.replace("  - prefetch: {buffer_size: 8}\n", "");

    assertThat(parse(base).spec().cache()).isEqualTo(PipelineSpec.CacheSpec.none());
    assertThat(parse(base.replace("stages:\n", "stages:\n  - cache: {path: memory}\n"))
        .spec().cache()).isEqualTo(PipelineSpec.CacheSpec.memory());
    assertThat(parse(base.replace("stages:\n", "stages:\n  - cache: {path: cache/train}\n"))
        .spec().cache()).isEqualTo(PipelineSpec.CacheSpec.files("cache/train"));
    assertThat(parse(base.replace("stages:\n", "stages:\n  - cache: {path: \"${DATA}/c\"}\n"))
        .spec().cache()).isEqualTo(PipelineSpec.CacheSpec.files("from-env/c"));
  }

  /** A pipeline with these stages between parse_example and batch (each a list item line). */
  private static String around(String before, String between, String after) {
    return """
        version: 1
        source: {tfrecord: {files: [a]}}
        stages:
        %s  - parse_example: {features: {label: {type: int64}}}
        %s  - batch: {batch_size: 4}
        %s""".formatted(before, between, after);
  }

  private static final String ADD_ONE = "dev.ingest.cli.config.PipelineConfigTest$AddOne";

  @Test
  void aCacheListedAfterParseExampleKeepsTheRowsAfterTheTransformsListedBeforeIt()
      throws ConfigException {
    PipelineSpec spec = parse(around("", "  - map: {fn: " + ADD_ONE + "}\n"
        + "  - cache: {path: memory}\n"
        + "  - map: {fn: burn_cpu, micros_per_record: 1}\n", "")).spec();

    assertThat(spec.cache().holdsRows()).isTrue();
    assertThat(spec.cache().kind()).isEqualTo(PipelineSpec.CacheSpec.Kind.MEMORY);
    assertThat(spec.cache().transformsBefore()).as("the map listed before it, not the one after")
        .isEqualTo(1);
    assertThat(spec.transforms()).hasSize(2);

    PipelineSpec inFiles = parse(around("", "  - cache: {path: cache/rows}\n", "")).spec();
    assertThat(inFiles.cache()).isEqualTo(PipelineSpec.CacheSpec.files("cache/rows").ofRows(0,
        false));
  }

  @Test
  void aShuffleListedAfterARowCachePermutesTheCachedRowsAndOneBeforeItIsABuffer()
      throws ConfigException {
    String shuffle = "  - shuffle: {buffer_size: 100}\n";
    String cache = "  - cache: {path: memory}\n";

    PipelineSpec after = parse(around("", cache + shuffle, "")).spec();
    assertThat(after.permutesCachedRows()).isTrue();
    assertThat(after.shufflesRecords()).isFalse();

    PipelineSpec before = parse(around("", shuffle + cache, "")).spec();
    assertThat(before.cache().holdsRows()).isTrue();
    assertThat(before.permutesCachedRows()).isFalse();
    assertThat(before.shufflesRecords()).isTrue();

    PipelineSpec afterBatch = parse(around("", shuffle, cache)).spec();
    assertThat(afterBatch.cache().holdsRows()).as("listed after batch: still rows").isTrue();
    assertThat(afterBatch.permutesCachedRows()).isFalse();
  }

  @Test
  void aCacheListedBeforeParseExampleKeepsRecordsWhateverFollowsIt() throws ConfigException {
    PipelineSpec spec = parse(around("  - cache: {path: memory}\n",
        "  - map: {fn: " + ADD_ONE + "}\n  - shuffle: {buffer_size: 100}\n", "")).spec();

    assertThat(spec.cache()).isEqualTo(PipelineSpec.CacheSpec.memory());
    assertThat(spec.cache().holdsRows()).isFalse();
    assertThat(spec.permutesCachedRows()).isFalse();
    assertThat(spec.shufflesRecords()).isTrue();
  }

  @Test
  void aCacheListedAfterAMapOnWholeBatchesIsRefusedAtItsOwnLine() {
    String yaml = around("", "", """
          - map: {fn: dev.ingest.cli.config.PipelineConfigTest$Nothing}
          - cache: {path: memory}
          - prefetch: {buffer_size: 2}
        """);

    assertThat(problems(yaml)).containsExactly(
        "stages.3.cache (line 7, column 5): cache is listed after map_batches"
            + " 'dev.ingest.cli.config.PipelineConfigTest$Nothing': a cache keeps rows, not"
            + " batches; list cache before batch (the batch functions then run on the cached rows"
            + " every epoch)");
  }

  @Test
  void aVersionGivenToAClassMapOrFilterIsItsTransformsVersion() throws ConfigException {
    List<Transform> transforms = parse(around("", """
          - map: {fn: dev.ingest.cli.config.PipelineConfigTest$AddOne, version: "2"}
          - filter: {fn: dev.ingest.cli.config.PipelineConfigTest$EvenLabels, version: 2024-05}
          - map: {fn: dev.ingest.cli.config.PipelineConfigTest$AddOne}
          - cache: {path: cache/rows}
        """, "")).spec().transforms();

    assertThat(((Transform.MapRows) transforms.get(0)).version()).isEqualTo("2");
    assertThat(transforms.get(0).identity())
        .isEqualTo(ADD_ONE + " " + AddOne.class.getName() + " version=2");
    assertThat(((Transform.FilterRows) transforms.get(1)).version()).isEqualTo("2024-05");
    assertThat(transforms.get(2).identity()).as("no version given, none declared").isNull();
  }

  @Test
  void refusesAVersionWhereNoCacheCouldUseIt() {
    String yaml = around("", """
          - map: {fn: burn_cpu, micros_per_record: 3, version: "2"}
          - map: {fn: dev.ingest.cli.config.PipelineConfigTest$AddOne, version: 2}
          - filter: {fn: dev.ingest.cli.config.PipelineConfigTest$EvenLabels, version: ""}
        """, """
          - map: {fn: dev.ingest.cli.config.PipelineConfigTest$Nothing, version: "1"}
          - map: {fn: dev.ingest.cli.config.PipelineConfigTest$Nothing, release: "1"}
        """);

    assertThat(problems(yaml)).containsExactly(
        "stages.1.map.version (line 5, column 56): burn_cpu is a built-in: its parameters are its"
            + " identity, so it takes no version; remove it",
        "stages.2.map.version (line 6, column 73): expected a string such as \"2\" (quoted), got"
            + " 2",
        "stages.3.filter.version (line 7, column 80): expected a version such as \"2\", got an"
            + " empty string",
        "stages.5.map.version (line 9, column 74): a map after the batch stage runs on every batch"
            + " after any cache, so no cache keeps its output: remove version",
        "stages.6.map.release (line 10, column 74): unknown key; expected one of fn,"
            + " micros_per_record, num_parallel_calls, version");
  }

  @Test
  void reportsEveryProblemWithPathLineAndColumn() {
    String yaml = """
        version: 1
        source:
          tfrecord:
            files: [a.tfrecord]
            compresion: gzip
            on_corrupt: ignore
        stages:
          - parse_example:
              features:
                label: {type: int32}
          - batch: {batch_size: 0, drop_remainder: "yes"}
          - map: {fn: com.example.Normalize}
        repeat: 0
        """;

    assertThat(problems(yaml)).containsExactly(
        "source.tfrecord.compresion (line 5, column 17): unknown key; expected one of"
            + " compression, files, index, interleave, on_corrupt, shard, shuffle_files,"
            + " verify_crc",
        "source.tfrecord.on_corrupt (line 6, column 17): expected one of fail, skip, got ignore",
        "stages.0.parse_example.features.label.type (line 10, column 23): "
            + "unknown dtype 'int32': expected float32, int64 or bytes",
        "stages.1.batch.batch_size (line 11, column 25): must be at least 1 and at most 2147483647,"
            + " got 0",
        "stages.1.batch.drop_remainder (line 11, column 44): expected true or false, got \"yes\"",
        "stages.2.map.fn (line 12, column 15): no class com.example.Normalize on the class path"
            + " (and not the built-in burn_cpu)",
        "repeat (line 13, column 9): expected -1 or null (forever) or at least 1, got 0");
  }

  @Test
  void requiresParseExampleAndBatch() {
    String yaml = """
        version: 1
        source: {tfrecord: {files: [a]}}
        stages:
          - shuffle: {buffer_size: 10}
        """;

    assertThat(problems(yaml)).containsExactly(
        "stages (line 4, column 3): a parse_example stage is required",
        "stages (line 4, column 3): a batch or padded_batch stage is required");
  }

  @Test
  void refusesImpossibleValuesAndWhatTheEngineCannotDo() {
    String yaml = """
        version: 2
        source:
          tfrecord:
            files: []
            verify_crc: false
            shard: {num_shards: 2, index: 2}
        stages:
          - parse_example: {features: {label: {type: int64}}}
          - batch: {batch_size: 8}
          - padded_batch: {batch_size: 8}
          - cache: {path: "cache/"}
        options: {deterministic: false, memory_budget: lots}
        """;

    assertThat(problems(yaml)).containsExactly(
        "version (line 1, column 10): only version 1 is known, got 2",
        "source.tfrecord.files (line 4, column 12): expected a non-empty list of files, folders"
            + " or globs",
        "source.tfrecord.verify_crc (line 5, column 17): not supported yet: the engine always"
            + " verifies CRCs",
        "source.tfrecord.shard.index (line 6, column 35): must be below num_shards (2), got 2",
        "stages.2.padded_batch (line 10, column 5): a second padded_batch stage; stages.1 is"
            + " already one (batch and padded_batch exclude each other)",
        "stages.3.cache.path (line 11, column 19): expected memory or a file path prefix such"
            + " as cache/train: a cache path prefix ends in the start of a file name, such as"
            + " cache/train, not in a separator: 'cache/'",
        "options.memory_budget (line 12, column 48): expected bytes, a size such as 512MiB or"
            + " 2GiB, or auto; got \"lots\"");
  }

  @Test
  void substitutesEnvironmentVariablesAndAppliesOverrides() throws ConfigException {
    String yaml = """
        version: 1
        source: {tfrecord: {files: ["${DATA}/x", "${MISSING:fallback}/y"]}}
        stages:
          - parse_example: {features: {label: {type: int64}}}
          - batch: {batch_size: 32}
        """;

    PipelineSpec spec = parse(yaml, "stages.1.batch.batch_size=512", "repeat=-1").spec();

    assertThat(spec.source().files()).containsExactly("from-env/x", "fallback/y");
    assertThat(spec.batchSize()).isEqualTo(512);
    assertThat(spec.epochs()).isEqualTo(-1);
    assertThat(problems(yaml, "stages.7.batch.batch_size=1"))
        .containsExactly("stages.7.batch.batch_size: --set: index 7 is outside the list of 2");
    assertThat(problems(yaml.replace("${DATA}", "${NOPE}"))).containsExactly(
        "source.tfrecord.files.0 (line 2, column 29): environment variable NOPE is not set"
            + " and ${NOPE} has no default (${NAME:default})");
  }

  @Test
  void mapsPaddedBatch() throws ConfigException {
    String yaml = """
        version: 1
        source: {tfrecord: {files: [a]}}
        stages:
          - parse_example: {features: {tokens: {type: int64, var_len: true}}}
          - padded_batch: {batch_size: 8, padded_shapes: {tokens: [512]}, padding_values: {tokens: 0}}
        """;

    PipelineSpec spec = parse(yaml).spec();

    assertThat(spec.padding()).isEqualTo(PaddingSpec.none().pad("tokens", 512).withValue("tokens", 0L));
    assertThat(spec.batchSize()).isEqualTo(8);
  }

  @Test
  void resolvesAFewAliases() throws ConfigException {
    String yaml = """
        version: 1
        source: {tfrecord: {files: &files [a, b]}}
        stages:
          - parse_example: {features: {label: &int {type: int64}, other: *int}}
          - batch: &batch {batch_size: 4}
          - shuffle: {buffer_size: 4}
        """;

    PipelineSpec spec = parse(yaml).spec();

    assertThat(spec.source().files()).containsExactly("a", "b");
    assertThat(spec.features().features()).hasSize(2);
    assertThat(problems(yaml.replace("{buffer_size: 4}", "*batch"))).containsExactly(
        "stages.2.shuffle.batch_size (line 5, column 32): unknown key; expected one of"
            + " buffer_size, mode, reshuffle_each_iteration, window",
        "stages.2.shuffle.buffer_size (line 5, column 12): required: records in the shuffle buffer"
            + " (or mode: global for a shuffle over every record, with no buffer)");
  }

  @Test
  void refusesAliasBombsAndCustomTags() {
    StringBuilder bomb = new StringBuilder("a: &a [x, x]\n");
    for (int i = 0; i < 30; i++) {
      bomb.append("b").append(i).append(": &b").append(i).append(" [*a, *a]\n");
    }
    assertThat(problems(bomb.toString())).containsExactly(
        "b10.0 (line 12, column 12): more than 20 YAML aliases in one document");
    assertThat(problems("version: !!java.io.File 1\n")).singleElement().asString()
        .startsWith("version (line 1, column 10): custom YAML tags are not allowed");
    assertThat(problems("x".repeat(ConfigReader.MAX_CHARS + 1))).singleElement().asString()
        .contains("at most " + ConfigReader.MAX_CHARS);
  }

  /** A row map a config can name: public, with a public no-argument constructor. */
  public static final class AddOne implements RowMapper {
    @Override
    public void apply(Row row) {
      row.setLong("label", 0, row.getLong("label", 0) + 1);
    }
  }

  public static final class Nothing implements dev.ingest.BatchMapper {
    @Override
    public void apply(dev.ingest.MutableBatch batch) {}
  }

  public static final class EvenLabels implements RowFilter {
    @Override
    public boolean keep(Row row) {
      return row.getLong("label", 0) % 2 == 0;
    }
  }

  public static final class NeedsArgument implements RowMapper {
    public NeedsArgument(int unused) {}

    @Override
    public void apply(Row row) {}
  }

  private static final String TRANSFORMS = """
      version: 1
      source: {tfrecord: {files: [a]}}
      stages:
        - parse_example: {features: {label: {type: int64}}}
        - map: {fn: dev.ingest.cli.config.PipelineConfigTest$AddOne, num_parallel_calls: auto}
        - filter: {fn: dev.ingest.cli.config.PipelineConfigTest$EvenLabels}
        - map: {fn: burn_cpu, micros_per_record: 12.5}
        - batch: {batch_size: 4}
      """;

  @Test
  void mapsMapAndFilterStagesInTheirOrder() throws ConfigException {
    List<Transform> transforms = parse(TRANSFORMS).spec().transforms();

    assertThat(transforms).extracting(Transform::name).containsExactly(
        "dev.ingest.cli.config.PipelineConfigTest$AddOne",
        "dev.ingest.cli.config.PipelineConfigTest$EvenLabels",
        "burn_cpu(12.5 us/record)");
    assertThat(transforms.get(0)).isInstanceOf(Transform.MapRows.class);
    assertThat(transforms.get(1)).isInstanceOf(Transform.FilterRows.class);
    assertThat(((Transform.MapRows) transforms.get(2)).fn()).isInstanceOf(BurnCpu.class);
    assertThat(((BurnCpu) ((Transform.MapRows) transforms.get(2)).fn()).nanosPerRecord())
        .isEqualTo(12_500);
  }

  private static String withMaps(String maps, String options) {
    return """
        version: 1
        source: {tfrecord: {files: [a]}}
        stages:
          - parse_example: {features: {label: {type: int64}}}
        %s  - batch: {batch_size: 4}
        %s""".formatted(maps, options);
  }

  @Test
  void aMapsNumParallelCallsSetsTheParseWorkersItRunsOn() throws ConfigException {
    String one = "  - map: {fn: burn_cpu, micros_per_record: 40, num_parallel_calls: 1}\n";
    String two = one.replace("calls: 1", "calls: 2");
    assertThat(parse(withMaps(one, "")).spec().options().threads()).isEqualTo(1);
    assertThat(parse(withMaps(two + two, "")).spec().options().threads()).isEqualTo(2);
    assertThat(parse(withMaps(two, "options: {threads: 2}\n")).spec().options().threads())
        .isEqualTo(2);
    assertThat(parse(withMaps(one.replace("calls: 1", "calls: auto"), "")).spec().options()
        .threads()).as("auto: the tuner").isEqualTo(Dataset.AUTO);
    assertThat(parse(withMaps(one.replace("calls: 1", "calls: auto"), "options: {threads: 3}\n"))
        .spec().options().threads()).as("auto: options.threads decides").isEqualTo(3);
    assertThat(parse(withMaps(one, ""), "stages.1.map.num_parallel_calls=3").spec().options()
        .threads()).isEqualTo(3);
  }

  @Test
  void aMapsNumParallelCallsThatCannotBeHonouredIsRefusedWithItsLine() {
    String one = "  - map: {fn: burn_cpu, micros_per_record: 40, num_parallel_calls: 1}\n";
    assertThat(problems(withMaps(one, "options: {threads: 4}\n"))).containsExactly(
        "stages.1.map.num_parallel_calls (line 5, column 68): num_parallel_calls: 1 differs from"
            + " options.threads: 4 (line 7): a map runs fused on the parse workers, whose count is"
            + " options.threads; give one of them, or the same count in both");
    assertThat(problems(withMaps(one + one.replace("calls: 1", "calls: auto"), ""))).containsExactly(
        "stages.2.map.num_parallel_calls (line 6, column 68): num_parallel_calls: auto differs"
            + " from stages.1.map.num_parallel_calls: 1 (line 5): maps run fused on the same parse"
            + " workers, so they share one count");
    String batchMap = """
        version: 1
        source: {tfrecord: {files: [a]}}
        stages:
          - parse_example: {features: {label: {type: int64}}}
          - batch: {batch_size: 4}
          - map: {fn: dev.ingest.cli.config.PipelineConfigTest$Nothing, num_parallel_calls: 2}
        """;
    assertThat(problems(batchMap)).singleElement().asString()
        .startsWith("stages.2.map.num_parallel_calls (line 6, column 85): a map after the batch"
            + " stage runs once per batch");
    assertThat(catchThrowable(() -> parse(batchMap.replace("calls: 2", "calls: auto"))))
        .as("auto keeps its meaning").isNull();
  }

  @Test
  void refusesTransformsItCannotRun() {
    String yaml = """
        version: 1
        source: {tfrecord: {files: [a]}}
        stages:
          - map: {fn: burn_cpu, micros_per_record: 1}
          - parse_example: {features: {label: {type: int64}}}
          - map: {fn: java.lang.String}
          - map: {fn: dev.ingest.cli.config.PipelineConfigTest$NeedsArgument}
          - map: {fn: burn_cpu}
          - map: {fn: burn_cpu, micros_per_record: -3}
          - filter: {fn: dev.ingest.cli.config.PipelineConfigTest$AddOne}
          - map: {fn: dev.ingest.cli.config.PipelineConfigTest$AddOne, micros_per_record: 2}
          - batch: {batch_size: 4}
          - filter: {fn: dev.ingest.cli.config.PipelineConfigTest$EvenLabels}
        """;

    assertThat(problems(yaml)).containsExactly(
        "stages.0.map (line 4, column 5): map works on parsed records: put it after parse_example",
        "stages.2.map.fn (line 6, column 15): java.lang.String does not implement"
            + " dev.ingest.RowMapper, which a map before batch (on records) needs",
        "stages.3.map.fn (line 7, column 15): dev.ingest.cli.config.PipelineConfigTest$NeedsArgument"
            + " needs a public no-argument constructor",
        "stages.4.map.micros_per_record (line 8, column 15): required: busy microseconds per record",
        "stages.5.map.micros_per_record (line 9, column 44): expected microseconds in [0, 1000000],"
            + " got -3",
        "stages.6.filter.fn (line 10, column 18): dev.ingest.cli.config.PipelineConfigTest$AddOne"
            + " does not implement dev.ingest.RowFilter, which a filter needs",
        "stages.7.map.micros_per_record (line 11, column 83): only the built-in burn_cpu takes"
            + " micros_per_record",
        "stages.9.filter (line 13, column 5): filter works on records: put it before the batch"
            + " stage");
  }
}
