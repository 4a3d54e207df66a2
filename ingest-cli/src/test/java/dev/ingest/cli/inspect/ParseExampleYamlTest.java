package dev.ingest.cli.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.DType;
import dev.ingest.FeatureSpec;
import dev.ingest.cli.config.ConfigException;
import dev.ingest.cli.config.PipelineConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Inferred features written as a parse_example stage that the config loader reads back. */
class ParseExampleYamlTest {

  private static DecodedExample example(Object... nameAndValues) {
    Map<String, FeatureValues> features = new TreeMap<>();
    for (int i = 0; i < nameAndValues.length; i += 2) {
      features.put((String) nameAndValues[i], (FeatureValues) nameAndValues[i + 1]);
    }
    return new DecodedExample(new TreeMap<>(features));
  }

  private static FeatureValues int64s(long... values) {
    return new FeatureValues(DType.INT64, Arrays.stream(values).boxed()
        .map(Object.class::cast).toList());
  }

  private static FeatureValues floats(float... values) {
    List<Object> boxed = new ArrayList<>();
    for (float value : values) {
      boxed.add(value);
    }
    return new FeatureValues(DType.FLOAT32, boxed);
  }

  private static FeatureValues bytes(String... values) {
    return new FeatureValues(DType.BYTES, Arrays.stream(values)
        .map(value -> (Object) value.getBytes(StandardCharsets.UTF_8)).toList());
  }

  @Test
  void eachKindOfFeatureReadsBackAsTheSpecItDescribes() throws ConfigException {
    SchemaInference inference = new SchemaInference();
    inference.add(example("image/encoded", bytes("a"), "label", int64s(1), "xy", floats(1, 2),
        "tokens", int64s(1, 2, 3), "my key: \"odd\"", int64s(5), "mixed", int64s(1),
        "empty", floats()));
    inference.add(example("image/encoded", bytes("b"), "label", int64s(2), "tokens", int64s(4),
        "my key: \"odd\"", int64s(6), "mixed", floats(1), "empty", floats()));

    String stage = ParseExampleYaml.render(inference.features());
    assertThat(stage).contains("        # mixed: records disagree on its type (float32, int64)");
    PipelineConfig config = PipelineConfig.parse("version: 1\nsource: {tfrecord: {files: [a]}}\n"
        + "stages:\n" + stage + "  - batch: {batch_size: 2}\n", List.of(), name -> null, "t");

    assertThat(config.spec().features().features()).containsExactly(
        FeatureSpec.varLen("empty", DType.FLOAT32),
        FeatureSpec.fixed("image/encoded", DType.BYTES),
        FeatureSpec.fixed("label", DType.INT64),
        FeatureSpec.fixed("my key: \"odd\"", DType.INT64),
        FeatureSpec.varLen("tokens", DType.INT64),
        FeatureSpec.fixed("xy", DType.FLOAT32, 2).withDefault(0f));
  }

  @Test
  void countsTheRecordsThatHoldEachFeature() {
    SchemaInference inference = new SchemaInference();
    inference.add(example("a", int64s(1, 2), "b", bytes("x")));
    inference.add(example("a", int64s(3)));
    inference.add(example("a", int64s(4, 5, 6)));

    assertThat(inference.records()).isEqualTo(3);
    assertThat(inference.features()).containsExactly(
        new InferredFeature("a", Set.of(DType.INT64), 1, 3, 3, 3),
        new InferredFeature("b", Set.of(DType.BYTES), 1, 1, 1, 3));
    assertThat(inference.features().get(0).fixedLength()).isFalse();
    assertThat(inference.features().get(1).fixedLength()).isTrue();
    assertThat(inference.features().get(1).presentInAll()).isFalse();
  }
}
