package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A child JVM for the tests that kill a process for real: started on this test's class path,
 * with the flags Arrow's row files need, and watched for the line that says it got where the
 * test kills it.
 */
final class ChildJvm {
  private ChildJvm() {}

  /** Starts {@code main} with {@code args}, after the JVM flags {@code flags}. */
  static Process start(Class<?> main, List<String> flags, String... args) throws IOException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> command = new ArrayList<>(List.of(java, "-cp",
        System.getProperty("java.class.path"), "-Xmx256m",
        "-Dio.netty.leakDetection.level=disabled",
        // Arrow's memory module, which writes and reads a cache of rows' files, needs it.
        "--add-opens=java.base/java.nio=ALL-UNNAMED"));
    command.addAll(flags);
    command.add(main.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  /** Waits for the child to print {@code expected}; fails with what it printed otherwise. */
  static void awaitLine(Process child, String expected) {
    List<String> output = new ArrayList<>();
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      BufferedReader lines = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      for (String line = lines.readLine(); ; line = lines.readLine()) {
        assertThat(line).as("the child's output so far: %s", output).isNotNull();
        if (line.equals(expected)) {
          return;
        }
        output.add(line);
      }
    }, () -> "the child did not print '" + expected + "'; it printed " + output);
  }

  /** The names of the files in the folder of the cache at {@code prefix}, sorted. */
  static List<String> names(String prefix) throws IOException {
    try (Stream<Path> files = Files.list(Path.of(prefix).getParent())) {
      return files.map(file -> file.getFileName().toString()).sorted().toList();
    }
  }
}
