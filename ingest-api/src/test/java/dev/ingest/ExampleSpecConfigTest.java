package dev.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExampleSpecConfigTest {

  @Test
  void buildsTheContractsExample() {
    Map<String, Object> features = new LinkedHashMap<>();
    features.put("image", Map.of("type", "bytes"));
    features.put("label", Map.of("type", "int64", "shape", List.of(), "default", 0));
    features.put("x", Map.of("type", "float32", "shape", List.of(2, 3), "default", List.of(1, 2.5, 3, 4, 5, 6)));
    features.put("tokens", Map.of("type", "int64", "var_len", true));

    ExampleSpec spec = ExampleSpecConfig.fromConfig(features);

    assertThat(spec).isEqualTo(ExampleSpec.of(
        FeatureSpec.fixed("image", DType.BYTES),
        FeatureSpec.fixed("label", DType.INT64).withDefault(0L),
        FeatureSpec.fixed("x", DType.FLOAT32, 2, 3).withDefault(1f, 2.5f, 3f, 4f, 5f, 6f),
        FeatureSpec.varLen("tokens", DType.INT64)));
    assertThat(spec.features()).extracting(FeatureSpec::name)
        .containsExactly("image", "label", "tokens", "x");
  }

  @Test
  void errorsStartWithThePathOfTheKey() {
    assertError(Map.of("a", Map.of("type", "int32")), "features.a.type: unknown dtype 'int32'");
    assertError(Map.of("a", Map.of("type", "int64", "shap", List.of(1))), "features.a.shap: unknown key");
    assertError(Map.of("a", Map.of("shape", List.of(1))), "features.a.type: required");
    assertError(Map.of("a", Map.of("type", "int64", "default", 1.5)), "features.a.default: 1.5 is not a int64");
    assertError(Map.of("a", Map.of("type", "int64", "shape", List.of(-1))), "features.a.shape: sizes must be");
    assertError(Map.of("a", Map.of("type", "int64", "shape", List.of(2), "default", List.of(1, 2, 3))),
        "features.a: feature 'a': default has 3 values");
    assertError(Map.of("a", Map.of("type", "int64", "var_len", "yes")), "features.a.var_len: expected true or false");
    assertError(Map.of("a", "int64"), "features.a: expected a mapping");
    assertError(Map.of(), "features: parse_example needs at least one feature");
  }

  private static void assertError(Map<String, ?> features, String message) {
    assertThatThrownBy(() -> ExampleSpecConfig.fromConfig(features))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }
}
