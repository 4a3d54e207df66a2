package dev.ingest.arrow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.DType;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM started without the add-opens flag (as an application embedding ingest might be) gets a
 * message that names the flag, not Arrow's "byte buffer address cannot be obtained" from deep in
 * a write. Runs a child JVM, since this one has the flag.
 */
class MissingAddOpensTest {
  @TempDir Path dir;

  @Test
  void creatingARowFileWithoutTheFlagSaysWhichFlagIsMissing() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path output = dir.resolve("child.txt");
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        Probe.class.getName(), dir.resolve("rows.arrow").toString())
        .redirectErrorStream(true)
        .redirectOutput(output.toFile())
        .start();
    assertThat(child.waitFor(2, TimeUnit.MINUTES)).as("the child JVM ended").isTrue();
    String printed = Files.readString(output, StandardCharsets.UTF_8);
    assertThat(child.exitValue()).as(printed).isEqualTo(3);
    assertThat(printed).contains("--add-opens=java.base/java.nio=ALL-UNNAMED");
  }

  /** The child: tries to create a row file; exits 3 with the message when refused. */
  public static final class Probe {
    public static void main(String[] args) throws IOException {
      ExampleSpec spec = ExampleSpec.of(FeatureSpec.fixed("label", DType.INT64));
      try {
        new ArrowRowFileFormat().create(Path.of(args[0]), spec).close();
      } catch (IllegalStateException e) {
        System.out.println(e.getMessage());
        System.exit(3);
      }
    }
  }
}
