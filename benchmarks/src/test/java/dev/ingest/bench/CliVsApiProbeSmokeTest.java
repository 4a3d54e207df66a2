package dev.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs benchmarks/run-cli-vs-api.sh tiny, on this test's class path (the jar is built after the
 * tests): every kind gets both figures and their ratio. Not a measurement: nothing about how fast.
 */
class CliVsApiProbeSmokeTest {
  // Surefire runs in the module's folder, where the script is.
  private static final Path SCRIPT = Path.of("run-cli-vs-api.sh").toAbsolutePath();

  @TempDir Path dir;

  @Test
  void theScriptReportsBothFiguresAndTheirRatioForEveryKind() throws Exception {
    ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toString(), "rounds=2", "warmup=0",
        "image=300", "tabular=3000", "text=200")
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("output.txt").toFile());
    builder.environment().put("INGEST_BENCH_CLASSPATH", System.getProperty("java.class.path"));
    builder.environment().put("INGEST_BENCH_DATA", dir.resolve("data").toString());
    builder.environment().put("RESULTS", dir.resolve("results").toString());
    Process process = builder.start();
    boolean ended = process.waitFor(5, TimeUnit.MINUTES);

    String output = Files.readString(dir.resolve("output.txt"), StandardCharsets.UTF_8);
    assertThat(ended).as(output).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    JsonNode report = new ObjectMapper().readTree(dir.resolve("results/cli-vs-api.json").toFile());
    assertThat(report.get("epochs").asInt()).isEqualTo(3);
    assertThat(report.get("kinds").findValuesAsText("kind"))
        .containsExactly("image", "tabular", "text");
    for (JsonNode kind : report.get("kinds")) {
      assertThat(kind.get("cli_records_per_second")).hasSize(2)
          .allSatisfy(value -> assertThat(value.asDouble()).isPositive());
      assertThat(kind.get("api_records_per_second")).hasSize(2)
          .allSatisfy(value -> assertThat(value.asDouble()).isPositive());
      assertThat(kind.get("ratio").get(0).asDouble()).isEqualTo(
          kind.get("cli_records_per_second").get(0).asDouble()
              / kind.get("api_records_per_second").get(0).asDouble());
      assertThat(kind.get("bottlenecks").size()).isPositive();
    }
    String markdown = readMarkdown();
    assertThat(markdown).contains("| image | 300 |", "| tabular | 3,000 |", "| text | 200 |",
        "- machine: ");
    assertThat(dir.resolve("data/image-300/part-00007-of-00008.tfrecord")).isRegularFile();
  }

  private String readMarkdown() throws IOException {
    return Files.readString(dir.resolve("results/cli-vs-api.md"), StandardCharsets.UTF_8);
  }
}
