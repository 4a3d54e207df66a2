package dev.ingest.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.cli.config.ConfigException.Problem;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One broken pipeline YAML per row, each refused with a problem that names the offending YAML
 * path, the line and column where the offending value starts, and what is wrong. Lines and
 * columns count from 1, as an editor shows them.
 */
class InvalidConfigTest {

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void namesThePathLineAndColumn(String yaml, String path, int line, int column, String message) {
    List<Problem> problems;
    try {
      PipelineConfig.parse(yaml, List.of(), Map.<String, String>of()::get, "test");
      throw new AssertionError("expected the config to be refused:\n" + yaml);
    } catch (ConfigException e) {
      problems = e.problems();
    }

    assertThat(problems).as(problems.toString())
        .filteredOn(problem -> problem.path().equals(path))
        .singleElement()
        .satisfies(problem -> {
          assertThat(problem.line()).as("line").isEqualTo(line);
          assertThat(problem.column()).as("column").isEqualTo(column);
          assertThat(problem.message()).contains(message);
        });
  }

  private static Arguments row(String name, String yaml, String path, int line, int column,
      String message) {
    return Arguments.of(Named.of(name, yaml), path, line, column, message);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
      row("unknown top-level key",
          "version: 1\nsource: {tfrecord: {files: [a]}}\nstages: [{parse_example: {features: {x: {type: int64}}}}, {batch: {batch_size: 8}}]\nepochs: 3\n",
          "epochs", 4, 9, "unknown key; expected one of name, options, repeat, source, stages, version"),
      row("an empty cache path",
          "version: 1\nsource: {tfrecord: {files: [a]}}\nstages: [{parse_example: {features: {x: {type: int64}}}}, {batch: {batch_size: 8}}, {cache: {path: \"\"}}]\n",
          "stages.2.cache.path", 3, 100, "a file cache needs a path prefix, such as cache/train"),
      row("a cache path ending in a separator",
          "version: 1\nsource: {tfrecord: {files: [a]}}\nstages:\n  - parse_example: {features: {x: {type: int64}}}\n  - batch: {batch_size: 8}\n  - cache: {path: cache/}\n",
          "stages.2.cache.path", 6, 19, "not in a separator: 'cache/'"),
      row("a cache without a path",
          "version: 1\nsource: {tfrecord: {files: [a]}}\nstages:\n  - parse_example: {features: {x: {type: int64}}}\n  - batch: {batch_size: 8}\n  - cache: {}\n",
          "stages.2.cache.path", 6, 12, "required: memory (or a file path prefix)"),
      row("version of the wrong type",
          "version: one\nsource: {tfrecord: {files: [a]}}\nstages: [{parse_example: {features: {x: {type: int64}}}}, {batch: {batch_size: 8}}]\n",
          "version", 1, 10, "only version 1 is known"),
      row("version missing",
          "source: {tfrecord: {files: [a]}}\nstages: [{parse_example: {features: {x: {type: int64}}}}, {batch: {batch_size: 8}}]\n",
          "version", 1, 1, "required: version: 1"),
      row("name not a string",
          "version: 1\nname: [a, b]\nsource: {tfrecord: {files: [a]}}\nstages: [{parse_example: {features: {x: {type: int64}}}}, {batch: {batch_size: 8}}]\n",
          "name", 2, 7, "expected a string, got a list"),
      row("unknown source kind",
          "version: 1\nsource: {csv: {files: [a]}}\nstages: [{parse_example: {features: {x: {type: int64}}}}, {batch: {batch_size: 8}}]\n",
          "source.csv", 2, 15, "unknown key; expected one of tfrecord"),
      row("files not a list",
          "version: 1\nsource: {tfrecord: {files: 3}}\nstages: [{parse_example: {features: {x: {type: int64}}}}, {batch: {batch_size: 8}}]\n",
          "source.tfrecord.files", 2, 28, "expected a non-empty list"),
      row("a file that is not a string",
          "version: 1\nsource: {tfrecord: {files: [a, 3]}}\nstages: [{parse_example: {features: {x: {type: int64}}}}, {batch: {batch_size: 8}}]\n",
          "source.tfrecord.files.1", 2, 32, "expected a string, got 3"),
      row("unknown compression",
          "version: 1\nsource: {tfrecord: {files: [a], compression: lz4}}\nstages: [{parse_example: {features: {x: {type: int64}}}}, {batch: {batch_size: 8}}]\n",
          "source.tfrecord.compression", 2, 46, "expected one of auto, none, gzip, zlib, got lz4"),
      row("unknown corruption policy",
          "version: 1\nsource:\n  tfrecord:\n    files: [a]\n    on_corrupt: retry\nstages: [{parse_example: {features: {x: {type: int64}}}}, {batch: {batch_size: 8}}]\n",
          "source.tfrecord.on_corrupt", 5, 17, "expected one of fail, skip"),
      row("zero shards",
          "version: 1\nsource:\n  tfrecord:\n    files: [a]\n    shard: {num_shards: 0}\nstages: [{parse_example: {features: {x: {type: int64}}}}, {batch: {batch_size: 8}}]\n",
          "source.tfrecord.shard.num_shards", 5, 25, "must be at least 1"),
      row("unknown shard mode",
          "version: 1\nsource:\n  tfrecord:\n    files: [a]\n    shard: {num_shards: 2, index: 1, by: row}\nstages: [{parse_example: {features: {x: {type: int64}}}}, {batch: {batch_size: 8}}]\n",
          "source.tfrecord.shard.by", 5, 42, "expected one of file, record, got row"),
      row("shuffle_files as a string",
          "version: 1\nsource:\n  tfrecord:\n    files: [a]\n    shuffle_files: \"yes\"\nstages: [{parse_example: {features: {x: {type: int64}}}}, {batch: {batch_size: 8}}]\n",
          "source.tfrecord.shuffle_files", 5, 20, "expected true or false"),
      row("cycle_length neither number nor auto",
          "version: 1\nsource:\n  tfrecord:\n    files: [a]\n    interleave: {cycle_length: fast}\nstages: [{parse_example: {features: {x: {type: int64}}}}, {batch: {batch_size: 8}}]\n",
          "source.tfrecord.interleave.cycle_length", 5, 32, "expected an integer or auto"),
      row("unknown interleave key",
          "version: 1\nsource:\n  tfrecord:\n    files: [a]\n    interleave: {parallelism: 4}\nstages: [{parse_example: {features: {x: {type: int64}}}}, {batch: {batch_size: 8}}]\n",
          "source.tfrecord.interleave.parallelism", 5, 31, "unknown key"),
      row("stages not a list",
          "version: 1\nsource: {tfrecord: {files: [a]}}\nstages: {batch: {batch_size: 8}}\n",
          "stages", 3, 9, "expected a list of stages"),
      row("unknown stage",
          "version: 1\nsource: {tfrecord: {files: [a]}}\nstages:\n  - parse_example: {features: {x: {type: int64}}}\n  - batch: {batch_size: 8}\n  - window: {size: 3}\n",
          "stages.2.window", 6, 5, "unknown stage"),
      row("a stage with two names",
          "version: 1\nsource: {tfrecord: {files: [a]}}\nstages:\n  - parse_example: {features: {x: {type: int64}}}\n    batch: {batch_size: 8}\n",
          "stages.0", 4, 5, "expected a mapping with one stage name"),
      row("a feature without a type",
          "version: 1\nsource: {tfrecord: {files: [a]}}\nstages:\n  - parse_example:\n      features:\n        x: {shape: [2]}\n  - batch: {batch_size: 8}\n",
          "stages.0.parse_example.features.x.type", 6, 12, "required: float32, int64 or bytes"),
      row("an unknown feature key",
          "version: 1\nsource: {tfrecord: {files: [a]}}\nstages:\n  - parse_example:\n      features:\n        x: {dtype: int64}\n  - batch: {batch_size: 8}\n",
          "stages.0.parse_example.features.x.dtype", 6, 20, "unknown key; expected one of type, shape, default, var_len"),
      row("a var_len feature with a shape",
          "version: 1\nsource: {tfrecord: {files: [a]}}\nstages:\n  - parse_example:\n      features:\n        x: {type: int64, var_len: true, shape: [3]}\n  - batch: {batch_size: 8}\n",
          "stages.0.parse_example.features.x", 6, 12, "a var_len feature has no fixed shape"),
      row("a default of the wrong type",
          "version: 1\nsource: {tfrecord: {files: [a]}}\nstages:\n  - parse_example:\n      features:\n        x: {type: int64, shape: [], default: zero}\n  - batch: {batch_size: 8}\n",
          "stages.0.parse_example.features.x.default", 6, 46, "zero is not a int64"),
      row("shuffle buffer as a word",
          "version: 1\nsource: {tfrecord: {files: [a]}}\nstages: [{parse_example: {features: {x: {type: int64}}}}, {batch: {batch_size: 8}}, {shuffle: {buffer_size: big}}]\n",
          "stages.2.shuffle.buffer_size", 3, 109, "expected an integer, got \"big\""),
      row("batch without batch_size",
          "version: 1\nsource: {tfrecord: {files: [a]}}\nstages: [{parse_example: {features: {x: {type: int64}}}}, {batch: {drop_remainder: true}}]\n",
          "stages.1.batch.batch_size", 3, 67, "required: records per batch"),
      row("padded length of 0",
          "version: 1\nsource: {tfrecord: {files: [a]}}\nstages:\n  - parse_example: {features: {x: {type: int64, var_len: true}}}\n  - padded_batch: {batch_size: 8, padded_shapes: {x: [0]}}\n",
          "stages.1.padded_batch.padded_shapes.x.0", 5, 55, "expected a length of at least 1"),
      row("prefetch of 0",
          "version: 1\nsource: {tfrecord: {files: [a]}}\nstages: [{parse_example: {features: {x: {type: int64}}}}, {batch: {batch_size: 8}}, {prefetch: {buffer_size: 0}}]\n",
          "stages.2.prefetch.buffer_size", 3, 110, "must be at least 1"),
      row("repeat as a word",
          "version: 1\nsource: {tfrecord: {files: [a]}}\nstages: [{parse_example: {features: {x: {type: int64}}}}, {batch: {batch_size: 8}}]\nrepeat: forever\n",
          "repeat", 4, 9, "expected an integer, got \"forever\""),
      row("a fractional seed",
          "version: 1\nsource: {tfrecord: {files: [a]}}\nstages: [{parse_example: {features: {x: {type: int64}}}}, {batch: {batch_size: 8}}]\noptions: {seed: 1.5}\n",
          "options.seed", 4, 17, "expected an integer, got 1.5"),
      row("zero threads",
          "version: 1\nsource: {tfrecord: {files: [a]}}\nstages: [{parse_example: {features: {x: {type: int64}}}}, {batch: {batch_size: 8}}]\noptions:\n  threads: 0\n",
          "options.threads", 5, 12, "must be at least 1"),
      row("unknown option",
          "version: 1\nsource: {tfrecord: {files: [a]}}\nstages: [{parse_example: {features: {x: {type: int64}}}}, {batch: {batch_size: 8}}]\noptions:\n  workers: 4\n",
          "options.workers", 5, 12, "unknown key; expected one of cpu_budget, deterministic, memory_budget, seed, storage, threads"),
      row("memory budget without a unit that exists",
          "version: 1\nsource: {tfrecord: {files: [a]}}\nstages: [{parse_example: {features: {x: {type: int64}}}}, {batch: {batch_size: 8}}]\noptions: {memory_budget: 2 gigs}\n",
          "options.memory_budget", 4, 26, "expected bytes, a size such as 512MiB"),
      row("an unset variable without a default",
          "version: 1\nsource: {tfrecord: {files: [\"${NOT_SET_ANYWHERE}/a\"]}}\nstages: [{parse_example: {features: {x: {type: int64}}}}, {batch: {batch_size: 8}}]\n",
          "source.tfrecord.files.0", 2, 29, "environment variable NOT_SET_ANYWHERE is not set"),
      row("a duplicate key",
          "version: 1\nsource: {tfrecord: {files: [a]}}\nstages: [{parse_example: {features: {x: {type: int64}}}}, {batch: {batch_size: 8}}]\nrepeat: 1\nrepeat: 2\n",
          "repeat", 5, 1, "duplicate key"),
      row("a filter class that is not on the class path",
          "version: 1\nsource: {tfrecord: {files: [a]}}\nstages:\n  - parse_example: {features: {x: {type: int64}}}\n  - filter: {fn: com.example.Keep}\n  - batch: {batch_size: 8}\n",
          "stages.1.filter.fn", 5, 18, "no class com.example.Keep on the class path"));
  }
}
