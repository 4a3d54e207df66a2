package dev.ingest.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A child JVM for the tests that kill a process for real: started on this test's class path,
 * with the flags Arrow's row files need, and watched for the lines that say where it got, so
 * that the test kills it there ({@link Process#destroyForcibly()}: SIGKILL, no shutdown hook, no
 * finally).
 */
public final class ChildJvm {
  private static final Duration GENEROUS = Duration.ofSeconds(60);

  private ChildJvm() {}

  /** Starts {@code main} with {@code args}, after the JVM flags {@code flags}. */
  public static Process start(Class<?> main, List<String> flags, String... args)
      throws IOException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> command = new ArrayList<>(List.of(java, "-cp",
        System.getProperty("java.class.path"), "-Xmx256m",
        "-Dio.netty.leakDetection.level=disabled",
        // A child only lives a moment: the JIT's later tiers would cost more than they save.
        "-XX:TieredStopAtLevel=1",
        // Arrow's memory module, which writes and reads a cache of rows' files, needs it.
        "--add-opens=java.base/java.nio=ALL-UNNAMED"));
    command.addAll(flags);
    command.add(main.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  /** Waits for the child to print {@code expected}; fails with what it printed otherwise. */
  public static void awaitLine(Process child, String expected) {
    List<String> output = new ArrayList<>();
    assertTimeoutPreemptively(GENEROUS, () -> {
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

  /**
   * How a child ended.
   *
   * @param lines everything it printed, in order
   * @param killed whether it was killed; {@code false}: it exited by itself first
   * @param exitCode its exit status (137 when killed)
   */
  public record Ended(List<String> lines, boolean killed, int exitCode) {
    /** The lines that start with {@code marker}, without it. */
    public List<String> marked(String marker) {
      return lines.stream().filter(line -> line.startsWith(marker))
          .map(line -> line.substring(marker.length())).toList();
    }
  }

  /**
   * Kills {@code child} at a chosen moment: once it has printed {@code markers} lines that start
   * with {@code marker}, and {@code delayNanos} after that, unless it exits by itself first. The
   * tests choose both at random from a seed, so kills land at many moments of the child's work
   * (between two markers too) while no assertion depends on how fast the machine is.
   */
  public static Ended killAfter(Process child, String marker, int markers, long delayNanos) {
    BlockingQueue<Optional<String>> queue = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> copyLines(child, queue), "child-output");
    reader.setDaemon(true);
    reader.start();
    List<String> lines = new ArrayList<>();
    try {
      return assertTimeoutPreemptively(GENEROUS, () -> {
        boolean ended = false;
        for (int seen = 0; seen < markers && !ended; ) {
          Optional<String> line = queue.take();
          ended = line.isEmpty();
          if (line.isPresent()) {
            lines.add(line.get());
            seen += line.get().startsWith(marker) ? 1 : 0;
          }
        }
        boolean killed = false;
        if (!child.waitFor(delayNanos, TimeUnit.NANOSECONDS)) {
          child.destroyForcibly();
          killed = true;
        }
        assertThat(child.waitFor(GENEROUS.toSeconds(), TimeUnit.SECONDS))
            .as("the child ended").isTrue();
        for (Optional<String> line = ended ? Optional.empty() : queue.take(); line.isPresent();
            line = queue.take()) {
          lines.add(line.get());
        }
        reader.join();
        return new Ended(List.copyOf(lines), killed, child.exitValue());
      }, () -> "the child did not get through " + markers + " '" + marker + "' lines; it printed "
          + lines);
    } finally {
      child.destroyForcibly();
    }
  }

  /** Copies the child's lines into {@code queue}, then an empty one for its end. */
  private static void copyLines(Process child, BlockingQueue<Optional<String>> queue) {
    try (BufferedReader lines = new BufferedReader(
        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        queue.add(Optional.of(line));
      }
    } catch (IOException e) {
      // The stream of a killed process may end in an error rather than at its end: both end it.
    } finally {
      queue.add(Optional.empty());
    }
  }

  /** The names of the files in the folder of the cache at {@code prefix}, sorted. */
  public static List<String> names(String prefix) throws IOException {
    return names(Path.of(prefix).getParent());
  }

  /** The names of the files in {@code folder}, sorted; none if it does not exist. */
  public static List<String> names(Path folder) {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(file -> file.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
