package dev.ingest.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JSON Schema of the pipeline YAML (in the jar and in docs/) against the loader: the same
 * file in both places, every example valid, and the same verdict on a table of documents.
 *
 * <p>Where they differ by design the table leaves the case out, and docs/cli.md says so: the
 * schema cannot compare a shard index with num_shards or a default's length with the shape,
 * takes dtypes in lower case only, and does not know what the engine runs yet.
 */
class PipelineSchemaTest {
  private static final String RESOURCE = "/dev/ingest/cli/pipeline.schema.json";
  // Surefire runs in the module's folder; docs/ and examples/ are at the repository root.
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static Schema schema;

  /** What the loader and the schema should both say about a document. */
  enum Verdict {
    /** Both accept it. */
    VALID,
    /** Both refuse it. */
    INVALID,
    /** The schema accepts it; the loader refuses it only as "not supported yet" by the engine. */
    NOT_YET
  }

  @BeforeAll
  static void loadSchema() throws IOException {
    try (InputStream json = PipelineSchemaTest.class.getResourceAsStream(RESOURCE)) {
      assertThat(json).as(RESOURCE).isNotNull();
      schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
          .getSchema(json);
    }
  }

  @Test
  void theJarsSchemaIsByteForByteTheOneInDocs() throws IOException {
    try (InputStream json = PipelineSchemaTest.class.getResourceAsStream(RESOURCE)) {
      assertThat(json.readAllBytes())
          .isEqualTo(Files.readAllBytes(ROOT.resolve("docs/pipeline.schema.json")));
    }
  }

  @Test
  void everyExampleIsValid() throws IOException {
    List<Path> examples;
    try (Stream<Path> files = Files.list(ROOT.resolve("examples"))) {
      examples = files.filter(file -> file.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(examples).isNotEmpty();
    for (Path example : examples) {
      assertThat(errors(Files.readString(example))).as(example.toString()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("documents")
  void theSchemaAndTheLoaderAgree(String yaml, Verdict verdict) throws IOException {
    List<Error> errors = errors(yaml);
    List<String> problems = loaderProblems(yaml);

    switch (verdict) {
      case VALID -> {
        assertThat(errors).as("schema errors").isEmpty();
        assertThat(problems).as("loader problems").isEmpty();
      }
      case INVALID -> {
        assertThat(errors).as("schema errors").isNotEmpty();
        assertThat(problems).as("loader problems").isNotEmpty();
      }
      case NOT_YET -> {
        assertThat(errors).as("schema errors").isEmpty();
        assertThat(problems).as("loader problems").isNotEmpty()
            .allMatch(problem -> problem.contains("not supported yet"));
      }
    }
  }

  private static List<Error> errors(String yaml) throws IOException {
    JsonNode document = YAML.readTree(yaml);
    return schema.validate(document);
  }

  private static List<String> loaderProblems(String yaml) {
    try {
      PipelineConfig.parse(yaml, List.of(), Map.<String, String>of()::get, "test");
      return List.of();
    } catch (ConfigException e) {
      return e.problems().stream().map(ConfigException.Problem::toString).toList();
    }
  }

  private static final String SOURCE = "source: {tfrecord: {files: [data]}}\n";
  private static final String PARSE = "{parse_example: {features: {x: {type: int64}}}}";
  private static final String BATCH = "{batch: {batch_size: 8}}";

  /** A document with these stages (a flow list's items) and the rest minimal. */
  private static String stages(String stages) {
    return "version: 1\n" + SOURCE + "stages: [" + stages + "]\n";
  }

  /** A document with this {@code tfrecord:} mapping's body and the rest minimal. */
  private static String source(String tfrecord) {
    return "version: 1\nsource: {tfrecord: {" + tfrecord + "}}\nstages: [" + PARSE + ", " + BATCH
        + "]\n";
  }

  /** A minimal document with these top-level lines added. */
  private static String plus(String lines) {
    return stages(PARSE + ", " + BATCH) + lines + "\n";
  }

  /** One parse_example feature's spec, with a batch. */
  private static String feature(String spec) {
    return stages("{parse_example: {features: {x: " + spec + "}}}, " + BATCH);
  }

  private static Arguments row(String name, Verdict verdict, String yaml) {
    return Arguments.of(Named.of(name, yaml), verdict);
  }

  static Stream<Arguments> documents() {
    Verdict valid = Verdict.VALID;
    Verdict invalid = Verdict.INVALID;
    Verdict notYet = Verdict.NOT_YET;
    return Stream.of(
        row("the smallest pipeline", valid, plus("")),
        row("everything the engine runs", valid, """
            version: 1
            name: cifar-like
            source:
              tfrecord:
                files: ["data/image/*.tfrecord"]
                compression: auto
                verify_crc: true
                on_corrupt: fail
                shard: {num_shards: 2, index: 1, by: file}
                shuffle_files: true
                interleave: {cycle_length: 4, block_length: 16, num_parallel_calls: auto}
            stages:
              - parse_example:
                  features:
                    image: {type: bytes}
                    label: {type: int64, shape: [], default: 0}
                    tokens: {type: int64, var_len: true}
                    xy: {type: float32, shape: [2], default: [0.5, 1]}
              - shuffle: {buffer_size: 10000, reshuffle_each_iteration: true}
              - batch: {batch_size: 256, drop_remainder: true}
              - prefetch: {buffer_size: auto}
            repeat: 1
            options: {seed: 42, deterministic: true, memory_budget: 2GiB, threads: auto}
            """),
        row("files as one string", valid, source("files: data/x.tfrecord")),
        row("an env reference where a word is expected", valid,
            source("files: [\"${DATA:data}\"], compression: \"${COMP:gzip}\"")),
        row("repeat forever as null", valid, plus("repeat: null")),
        row("repeat forever as -1", valid, plus("repeat: -1")),
        row("auto counts", valid, source("files: [a], interleave: {cycle_length: auto,"
            + " block_length: auto}")),
        row("padded_batch to the longest row", valid, stages(
            "{parse_example: {features: {t: {type: int64, var_len: true}, u: {type: bytes,"
                + " var_len: true}}}}, {padded_batch: {batch_size: 4, padded_shapes: {t: [],"
                + " u: [-1]}, padding_values: {t: 0, u: pad}}}")),
        row("memory budget in bytes", valid, plus("options: {memory_budget: 1073741824}")),
        row("object store settings", valid, plus("options: {storage: {read_ahead:"
            + " {block_size: 8MiB, depth: 4}, s3: {endpoint: 'http://localhost:9000',"
            + " region: eu-west-1, path_style: true}}}")),
        row("automatic read-ahead", valid,
            plus("options: {storage: {read_ahead: {block_size: auto, depth: auto}}}")),
        row("dtype aliases", valid, feature("{type: float, shape: [], default: 1}")),

        row("an unknown top-level key", invalid, plus("epochs: 3")),
        row("an unknown tfrecord key", invalid, source("files: [a], compresion: gzip")),
        row("version 2", invalid, plus("").replace("version: 1", "version: 2")),
        row("no source", invalid, plus("").replace(SOURCE, "")),
        row("no stages", invalid, "version: 1\n" + SOURCE),
        row("no batch stage", invalid, stages(PARSE)),
        row("no parse_example stage", invalid, stages(BATCH)),
        row("two batch stages", invalid, stages(PARSE + ", " + BATCH + ", "
            + "{padded_batch: {batch_size: 8}}")),
        row("an unknown stage", invalid, stages(PARSE + ", " + BATCH + ", {window: {size: 2}}")),
        row("a stage with two names", invalid,
            stages(PARSE + ", {batch: {batch_size: 8}, prefetch: {buffer_size: 2}}")),
        row("batch_size 0", invalid, stages(PARSE + ", {batch: {batch_size: 0}}")),
        row("batch_size as a string", invalid, stages(PARSE + ", {batch: {batch_size: \"8\"}}")),
        row("batch_size past 2^31-1", invalid,
            stages(PARSE + ", {batch: {batch_size: 2147483648}}")),
        row("a negative shuffle buffer", invalid,
            stages(PARSE + ", " + BATCH + ", {shuffle: {buffer_size: -1}}")),
        row("prefetch 0", invalid, stages(PARSE + ", " + BATCH + ", {prefetch: {buffer_size: 0}}")),
        row("prefetch as a word", invalid,
            stages(PARSE + ", " + BATCH + ", {prefetch: {buffer_size: fast}}")),
        row("a feature without a type", invalid, feature("{shape: [2]}")),
        row("an unknown dtype", invalid, feature("{type: int32}")),
        row("an unknown feature key", invalid, feature("{type: int64, dtype: int64}")),
        row("a var_len feature with a default", invalid,
            feature("{type: int64, var_len: true, default: 0}")),
        row("a var_len feature with a shape", invalid,
            feature("{type: int64, var_len: true, shape: [3]}")),
        row("an int64 default that is a word", invalid,
            feature("{type: int64, shape: [], default: zero}")),
        row("a bytes default that is a number", invalid,
            feature("{type: bytes, shape: [], default: 0}")),
        row("no features", invalid, stages("{parse_example: {features: {}}}, " + BATCH)),
        row("an unknown compression", invalid, source("files: [a], compression: lz4")),
        row("an unknown corruption policy", invalid, source("files: [a], on_corrupt: ignore")),
        row("an empty file list", invalid, source("files: []")),
        row("a blank file name", invalid, source("files: [\" \"]")),
        row("files as a number", invalid, source("files: 3")),
        row("zero shards", invalid, source("files: [a], shard: {num_shards: 0}")),
        row("a negative shard index", invalid, source("files: [a], shard: {index: -1}")),
        row("an unknown shard mode", invalid, source("files: [a], shard: {by: row}")),
        row("verify_crc as a string", invalid, source("files: [a], verify_crc: \"yes\"")),
        row("repeat 0", invalid, plus("repeat: 0")),
        row("repeat -2", invalid, plus("repeat: -2")),
        row("repeat as a word", invalid, plus("repeat: forever")),
        row("a seed that is a word", invalid, plus("options: {seed: x}")),
        row("zero threads", invalid, plus("options: {threads: 0}")),
        row("a memory budget in no unit", invalid, plus("options: {memory_budget: lots}")),
        row("an unknown option", invalid, plus("options: {workers: 4}")),
        row("a read-ahead block below 4 KiB", invalid,
            plus("options: {storage: {read_ahead: {block_size: 100}}}")),
        row("a read-ahead depth of 0", invalid,
            plus("options: {storage: {read_ahead: {depth: 0}}}")),
        row("an unknown s3 setting", invalid,
            plus("options: {storage: {s3: {bucket: data}}}")),
        row("path_style that is not a boolean", invalid,
            plus("options: {storage: {s3: {path_style: sometimes}}}")),
        row("a store nobody serves", invalid, plus("options: {storage: {gcs: {}}}")),
        row("an endpoint without its scheme", invalid,
            plus("options: {storage: {s3: {endpoint: 'localhost:9000'}}}")),
        row("a padded length of 0", invalid, stages(
            "{parse_example: {features: {t: {type: int64, var_len: true}}}},"
                + " {padded_batch: {batch_size: 4, padded_shapes: {t: [0]}}}")),
        row("a padded shape of two dimensions", invalid, stages(
            "{parse_example: {features: {t: {type: int64, var_len: true}}}},"
                + " {padded_batch: {batch_size: 4, padded_shapes: {t: [2, 3]}}}")),
        row("a list as a padding value", invalid, stages(
            "{parse_example: {features: {t: {type: int64, var_len: true}}}},"
                + " {padded_batch: {batch_size: 4, padding_values: {t: [0]}}}")),
        row("a name that is a number", invalid, plus("name: 5")),
        row("a map without fn", invalid,
            stages(PARSE + ", {map: {num_parallel_calls: 2}}, " + BATCH)),
        row("burn_cpu without micros_per_record", invalid,
            stages(PARSE + ", {map: {fn: burn_cpu}}, " + BATCH)),
        row("a cache path that is a number", invalid,
            stages(PARSE + ", {cache: {path: 3}}, " + BATCH)),

        row("map with a class", valid,
            stages(PARSE + ", {map: {fn: dev.ingest.cli.config.PipelineConfigTest$AddOne,"
                + " num_parallel_calls: auto}}, " + BATCH)),
        row("map with burn_cpu", valid,
            stages(PARSE + ", {map: {fn: burn_cpu, micros_per_record: 200}}, " + BATCH)),
        row("filter", valid, stages(PARSE
            + ", {filter: {fn: dev.ingest.cli.config.PipelineConfigTest$EvenLabels}}, " + BATCH)),
        row("cache in memory", valid, stages(PARSE + ", " + BATCH + ", {cache: {path: memory}}")),
        row("cache to files", valid,
            stages(PARSE + ", " + BATCH + ", {cache: {path: cache/train}}")),
        row("a row cache, a map on the cached rows and a permutation after it", valid,
            stages(PARSE + ", {cache: {path: cache/rows}}, {map: {fn: burn_cpu,"
                + " micros_per_record: 2}}, {shuffle: {buffer_size: 1}}, " + BATCH)),
        row("map and filter with a version", valid,
            stages(PARSE + ", {map: {fn: dev.ingest.cli.config.PipelineConfigTest$AddOne,"
                + " version: \"2\"}}, {filter: {fn:"
                + " dev.ingest.cli.config.PipelineConfigTest$EvenLabels, version: v3}}, "
                + BATCH)),
        row("a version that is a number", invalid,
            stages(PARSE + ", {map: {fn: dev.ingest.cli.config.PipelineConfigTest$AddOne,"
                + " version: 2}}, " + BATCH)),
        row("an empty version", invalid,
            stages(PARSE + ", {filter: {fn: dev.ingest.cli.config.PipelineConfigTest$EvenLabels,"
                + " version: \"\"}}, " + BATCH)),
        row("burn_cpu with a version", invalid,
            stages(PARSE + ", {map: {fn: burn_cpu, micros_per_record: 2, version: \"1\"}}, "
                + BATCH)),
        row("a global shuffle", valid,
            stages(PARSE + ", {shuffle: {mode: global}}, " + BATCH)),
        row("a windowed global shuffle that builds missing indexes", valid,
            "version: 1\nsource: {tfrecord: {files: [a], index: build}}\nstages: [" + PARSE
                + ", {shuffle: {mode: global, window: 4096, reshuffle_each_iteration: false}}, "
                + BATCH + "]\n"),
        row("a global shuffle that requires indexes", valid,
            "version: 1\nsource: {tfrecord: {files: [a], index: require}}\nstages: [" + PARSE
                + ", {shuffle: {mode: global}}, " + BATCH + "]\n"),
        row("a buffer shuffle with its mode written", valid,
            stages(PARSE + ", {shuffle: {mode: buffer, buffer_size: 10}}, " + BATCH)),
        row("a global shuffle with a buffer_size", invalid,
            stages(PARSE + ", {shuffle: {mode: global, buffer_size: 10}}, " + BATCH)),
        row("a window with a buffer shuffle", invalid,
            stages(PARSE + ", {shuffle: {buffer_size: 10, window: 8}}, " + BATCH)),
        row("a buffer shuffle without buffer_size", invalid,
            stages(PARSE + ", {shuffle: {mode: buffer}}, " + BATCH)),
        row("a window of 0", invalid,
            stages(PARSE + ", {shuffle: {mode: global, window: 0}}, " + BATCH)),
        row("an unknown shuffle mode", invalid,
            stages(PARSE + ", {shuffle: {mode: random, buffer_size: 10}}, " + BATCH)),
        row("an unknown index policy", invalid, source("files: [a], index: rebuild")),
        row("deterministic: false", valid, plus("options: {deterministic: false}")),
        row("verify_crc: false", notYet, source("files: [a], verify_crc: false")));
  }
}
