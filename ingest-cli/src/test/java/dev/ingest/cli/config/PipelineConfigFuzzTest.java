package dev.ingest.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ingest.fuzz.FuzzSeed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Feeds the pipeline YAML loader (what {@code ingest run PIPELINE.yaml} reads) any text, with
 * {@code --set} overrides and environment variables, through reading, substitution, overrides,
 * checking and mapping to a pipeline spec.
 *
 * <p>The invariant: a config it cannot take is a {@link ConfigException} (exit code 2, every
 * problem with its line), never another exception; one it takes yields a spec whose fingerprint
 * can be computed. Aliases and size are bounded, so no input makes it run long or allocate much.
 * The inputs under {@code PipelineConfigFuzzTestInputs/} replay in every test run.
 */
class PipelineConfigFuzzTest {
  private static final Map<String, String> ENVIRONMENT = Map.of("INGEST_DATA", "data");

  @FuzzTest(maxDuration = "60s")
  void parsePipeline(FuzzedDataProvider data) {
    List<String> settings = new ArrayList<>();
    int count = data.consumeInt(0, 2);
    for (int i = 0; i < count; i++) {
      settings.add(data.consumeString(40));
    }
    String text = data.consumeRemainingAsString();
    PipelineConfig config;
    try {
      config = PipelineConfig.parse(text, settings, ENVIRONMENT::get, "fuzz");
    } catch (ConfigException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    assertThat(config.spec().fingerprint()).isNotBlank();
  }

  /**
   * Writes the seed inputs into the committed corpus (run once, from the module's folder, with
   * {@code -Dfuzz.writeSeeds=true}): each example pipeline of examples/, as it is and with an
   * override.
   */
  @Test
  @EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = "true")
  void writeSeeds() throws IOException {
    Path inputs = Path.of("src/test/resources/dev/ingest/cli/config/"
        + "PipelineConfigFuzzTestInputs/parsePipeline");
    try (var examples = Files.newDirectoryStream(Path.of("../examples"), "*.yaml")) {
      for (Path example : examples) {
        byte[] yaml = Files.readAllBytes(example);
        String name = example.getFileName().toString().replace(".yaml", "");
        new FuzzSeed().number(0, 0, 2).bytes(yaml).writeTo(inputs, name);
        byte[] setting = "repeat=3".getBytes(StandardCharsets.UTF_8);
        new FuzzSeed().number(1, 0, 2).bytes(setting).bytes(yaml)
            .writeTo(inputs, name + "-set");
      }
    }
  }
}
