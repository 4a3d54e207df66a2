package dev.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak, short: 50 seconds in a JVM of its own (what it measures is the whole process, so the
 * test runner's threads and heap must not be in it), with the heap and direct memory the script
 * gives it. The soak judges itself ({@link SoakCriterion}); this asserts its exit status, that it
 * sampled every second and took batches and resumes throughout, and that its chart was drawn.
 * Nothing about speed is asserted.
 */
class SoakProbeSmokeTest {
  private static final int SECONDS = 50;

  @TempDir Path dir;

  @Test
  void aShortSoakIsFlatAfterWarmUp() throws Exception {
    Path csv = dir.resolve("soak.csv");
    Path chart = dir.resolve("soak.png");
    Path output = dir.resolve("output.txt");
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> command = new ArrayList<>(List.of(java, "-cp",
        System.getProperty("java.class.path")));
    command.addAll(SoakProbe.JVM_FLAGS);
    command.addAll(List.of(SoakProbe.class.getName(), "seconds=" + SECONDS, "out=" + csv,
        "chart=" + chart));
    Process soak = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(output.toFile()).start();

    boolean ended = soak.waitFor(SECONDS + 120, TimeUnit.SECONDS);
    if (!ended) {
      soak.destroyForcibly().waitFor();
    }
    String printed = Files.readString(output, StandardCharsets.UTF_8);

    assertThat(ended).as("the soak ended; it printed:%n%s", printed).isTrue();
    assertThat(soak.exitValue()).as("the soak's verdict:%n%s", printed).isZero();
    assertThat(printed).contains("PASSED: flat after warm-up");
    List<SoakSample> samples = SoakSample.readCsv(csv);
    assertThat(samples).hasSizeGreaterThanOrEqualTo(SECONDS - 5);
    SoakSample last = samples.get(samples.size() - 1);
    assertThat(last.batches()).isPositive();
    assertThat(last.resumes()).isPositive();
    assertThat(samples).allSatisfy(sample -> {
      assertThat(sample.threads()).isPositive();
      assertThat(sample.fds()).isPositive();
      assertThat(sample.rssMiB()).isPositive();
    });
    assertThat(Files.size(chart)).isPositive();
  }

  @Test
  void theScriptRunsTheSoakInTheJvmThisTestGivesIt() throws Exception {
    // Surefire runs in the module's folder; the script is at the repository's root.
    String script = Files.readString(Path.of("../scripts/soak.sh"), StandardCharsets.UTF_8);

    assertThat(script).contains(SoakProbe.JVM_FLAGS).contains(SoakProbe.class.getName());
  }
}
