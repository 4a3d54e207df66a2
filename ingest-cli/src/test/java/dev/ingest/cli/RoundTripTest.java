package dev.ingest.cli;

import dev.ingest.tfrecord.sample.SampleKind;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.TFRecordReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;

/** gen, then count and validate what it wrote, for every kind and compression. */
class RoundTripTest {
  @TempDir Path dir;

  static Stream<Arguments> kindsAndCompressions() {
    List<Arguments> cases = new ArrayList<>();
    for (SampleKind kind : SampleKind.values()) {
      for (String compression : List.of("none", "gzip", "zlib")) {
        cases.add(Arguments.of(kind, compression));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest
  @MethodSource("kindsAndCompressions")
  void genWritesShardsThatCountAndValidateRead(SampleKind kind, String compression)
      throws IOException {
    Path out = dir.resolve("out");

    Cli.Outcome gen =
        Cli.run("gen", "--kind", kind.wireName(), "--out", out.toString(), "--records", "103",
            "--shards", "4", "--compression", compression, "--seed", "5", "--json");

    assertThat(gen.exitCode()).as(gen.err()).isZero();
    assertThat(gen.out().strip().lines()).hasSize(1);
    JsonNode genJson = gen.json();
    assertThat(genJson.get("kind").asText()).isEqualTo(kind.wireName());
    assertThat(genJson.get("compression").asText()).isEqualTo(compression);
    assertThat(genJson.get("records").asLong()).isEqualTo(103);
    List<Long> recordsPerFile = new ArrayList<>();
    long bytes = 0;
    for (JsonNode file : genJson.get("files")) {
      Path path = Path.of(file.get("path").asText());
      assertThat(file.get("bytes").asLong()).isEqualTo(Files.size(path));
      bytes += file.get("bytes").asLong();
      recordsPerFile.add(file.get("records").asLong());
    }
    assertThat(recordsPerFile).containsExactly(26L, 26L, 26L, 25L);
    assertThat(genJson.get("bytes").asLong()).isEqualTo(bytes);
    try (Stream<Path> files = Files.list(out)) {
      assertThat(files.map(path -> path.getFileName().toString()).sorted())
          .containsExactly(
              "part-00000-of-00004.tfrecord",
              "part-00001-of-00004.tfrecord",
              "part-00002-of-00004.tfrecord",
              "part-00003-of-00004.tfrecord");
    }

    Cli.Outcome count = Cli.run("count", "--json", out.toString());

    assertThat(count.exitCode()).as(count.err()).isZero();
    JsonNode countJson = count.json();
    assertThat(countJson.get("total").asLong()).isEqualTo(103);
    assertThat(countJson.get("files")).hasSize(4);
    for (int i = 0; i < 4; i++) {
      JsonNode file = countJson.get("files").get(i);
      assertThat(file.get("path").asText()).isEqualTo(genJson.get("files").get(i).get("path").asText());
      assertThat(file.get("records").asLong()).isEqualTo(recordsPerFile.get(i));
    }

    Cli.Outcome validate = Cli.run("validate", "--json", out + "/*.tfrecord");

    assertThat(validate.exitCode()).as(validate.err()).isZero();
    JsonNode validateJson = validate.json();
    assertThat(validateJson.get("ok").asBoolean()).isTrue();
    assertThat(validateJson.get("records").asLong()).isEqualTo(103);
    assertThat(validateJson.get("problems")).isEmpty();

    for (Path shard : shards(out)) {
      try (TFRecordReader reader = TFRecordReader.open(shard)) {
        reader.advance();
        assertThat(reader.compression()).isEqualTo(Compression.parse(compression));
      }
      for (Example example : examples(shard)) {
        assertSchema(kind, example.getFeatures().getFeatureMap());
      }
    }
  }

  @Test
  void anExplicitCompressionReadsTheSameAsAuto() {
    Path out = dir.resolve("gz");
    assertThat(Cli.run("gen", "--kind", "text", "--out", out.toString(), "--records", "20",
        "--shards", "2", "--compression", "gzip").exitCode()).isZero();

    Cli.Outcome count = Cli.run("count", "--compression", "GZIP", "--json", out.toString());

    assertThat(count.exitCode()).as(count.err()).isZero();
    assertThat(count.json().get("total").asLong()).isEqualTo(20);
  }

  @Test
  void humanOutputHasALinePerFileAndATotal() {
    Path out = dir.resolve("human");
    Cli.Outcome gen = Cli.run("gen", "--kind", "image", "--out", out.toString(), "--records", "7",
        "--shards", "2");
    assertThat(gen.exitCode()).isZero();
    assertThat(gen.out()).contains("part-00000-of-00002.tfrecord").contains("total");

    Cli.Outcome count = Cli.run("count", out.toString());
    Cli.Outcome validate = Cli.run("validate", out.toString());

    assertThat(count.out().stripTrailing().lines())
        .containsExactly(
            "           4  " + out.resolve("part-00000-of-00002.tfrecord"),
            "           3  " + out.resolve("part-00001-of-00002.tfrecord"),
            "           7  total (2 files)");
    assertThat(validate.exitCode()).isZero();
    assertThat(validate.out().strip().lines()).hasSize(3).last().asString()
        .startsWith("ok").contains(" 7 records", "2 files", "no problems");
  }

  @Test
  void theDefaultsAreAThousandRecordsInFourPlainShards() {
    Path out = dir.resolve("defaults");

    Cli.Outcome gen = Cli.run("gen", "--kind", "tabular", "--out", out.toString(), "--json");

    assertThat(gen.exitCode()).as(gen.err()).isZero();
    assertThat(gen.json().get("records").asLong()).isEqualTo(1000);
    assertThat(gen.json().get("files")).hasSize(4);
    assertThat(gen.json().get("compression").asText()).isEqualTo("none");
    assertThat(gen.json().get("seed").asLong()).isEqualTo(42);
  }

  @Test
  void tabularLabelsAreTheArgmaxOfFixedProjectionsAndUseEveryClass() throws IOException {
    Path out = dir.resolve("tabular");
    assertThat(Cli.run("gen", "--kind", "tabular", "--out", out.toString(), "--records", "500",
        "--shards", "1").exitCode()).isZero();

    int[] perClass = new int[SampleKind.CLASSES];
    for (Example example : examples(shards(out).get(0))) {
      Map<String, Feature> features = example.getFeatures().getFeatureMap();
      List<Float> values = features.get("features").getFloatList().getValueList();
      float[] array = new float[values.size()];
      for (int i = 0; i < array.length; i++) {
        array[i] = values.get(i);
      }
      long label = features.get("label").getInt64List().getValue(0);
      assertThat(label).isEqualTo(SampleKind.TabularTask.label(array));
      perClass[(int) label]++;
    }
    // A learnable task with ten classes uses all ten.
    assertThat(perClass).doesNotContain(0);
  }

  static void assertSchema(SampleKind kind, Map<String, Feature> features) {
    long label = features.get("label").getInt64List().getValue(0);
    assertThat(features.get("label").getInt64List().getValueCount()).isEqualTo(1);
    assertThat(label).isBetween(0L, 9L);
    switch (kind) {
      case IMAGE -> {
        assertThat(features).containsOnlyKeys("image", "label");
        assertThat(features.get("image").getBytesList().getValueCount()).isEqualTo(1);
        assertThat(features.get("image").getBytesList().getValue(0).size()).isEqualTo(3072);
      }
      case TABULAR -> {
        assertThat(features).containsOnlyKeys("features", "label");
        assertThat(features.get("features").getFloatList().getValueCount()).isEqualTo(32);
      }
      case TEXT -> {
        assertThat(features).containsOnlyKeys("tokens", "label");
        List<Long> tokens = features.get("tokens").getInt64List().getValueList();
        assertThat(tokens.size()).isBetween(10, 500);
        assertThat(tokens).allSatisfy(token -> assertThat(token).isBetween(1L, 9999L));
      }
      default -> throw new AssertionError(kind);
    }
  }

  static List<Path> shards(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.sorted().toList();
    }
  }

  static List<Example> examples(Path shard) throws IOException {
    List<Example> examples = new ArrayList<>();
    try (TFRecordReader reader = TFRecordReader.open(shard)) {
      ByteBuf record;
      while ((record = reader.next()) != null) {
        examples.add(Example.parseFrom(ByteBufUtil.getBytes(record)));
      }
    }
    return examples;
  }
}
