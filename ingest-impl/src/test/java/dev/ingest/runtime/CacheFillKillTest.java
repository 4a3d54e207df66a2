package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ingest.BatchDigest;
import dev.ingest.tfrecord.Compression;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file cache's fill killed midway, for real: a child JVM ({@link CacheFillChild}) fills the
 * cache, and is killed with {@code destroyForcibly()} (SIGKILL: no shutdown hook, no finally)
 * while it holds the lock and has files half written. Meanwhile a run in this process finds the
 * cache locked and reads its sources; after the kill the next run takes the lock the operating
 * system freed, clears the half-written files and completes the cache, with the batches of no
 * cache; the run after that reads everything from the cache.
 */
class CacheFillKillTest {
  private static final int[] RECORDS_PER_FILE = {700, 650, 3, 800};

  @TempDir Path dir;

  @AfterEach
  void noPipelineThreadOutlivesItsTest() throws InterruptedException {
    assertThat(IdRecords.ingestThreadsAliveAfter(10_000)).isEmpty();
  }

  @Test
  void theRunAfterAKilledFillIsCorrectAndCompletesTheCache() throws Exception {
    Path sources = dir.resolve("sources");
    int total = IdRecords.write(sources, Compression.GZIP, RECORDS_PER_FILE);
    String prefix = dir.resolve("cache").resolve("train").toString();
    List<String> uncached = IdRecords.digests(CacheFillChild.pipeline(sources, null));

    Process child = startChild(sources, prefix);
    try {
      awaitFilling(child);
      assertThat(names(prefix)).as("mid-fill")
          .contains("train.filling", "train.lock")
          .doesNotContain("train.manifest")
          .anyMatch(name -> name.contains(".tmp-"));

      // The child holds the lock: this run reads its sources and leaves the cache alone.
      Run bystander = run(CacheFillChild.pipeline(sources, prefix));
      assertThat(bystander.digests()).isEqualTo(uncached);
      assertThat(bystander.recordsFromCache()).isZero();
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child ended").isTrue();
    }
    assertThat(names(prefix)).as("what the kill left")
        .doesNotContain("train.manifest")
        .anyMatch(name -> name.contains(".tmp-"));

    Run next = run(CacheFillChild.pipeline(sources, prefix));

    assertThat(next.digests()).isEqualTo(uncached).isNotEmpty();
    assertThat(names(prefix)).as("after the next run")
        .contains("train.manifest")
        .doesNotContain("train.filling")
        .noneMatch(name -> name.contains(".tmp-"));
    Run after = run(CacheFillChild.pipeline(sources, prefix));
    assertThat(after.digests()).isEqualTo(uncached);
    assertThat(after.recordsFromCache()).isEqualTo(2L * total);
  }

  private static Process startChild(Path sources, String prefix) throws IOException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "-Xmx256m", "-Dio.netty.leakDetection.level=disabled",
        CacheFillChild.class.getName(), sources.toString(), prefix)
        .redirectErrorStream(true)
        .start();
  }

  /** Waits for the child to say it is filling; fails with what it printed otherwise. */
  private static void awaitFilling(Process child) {
    List<String> output = new ArrayList<>();
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      BufferedReader lines = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      for (String line = lines.readLine(); ; line = lines.readLine()) {
        assertThat(line).as("the child's output so far: %s", output).isNotNull();
        if (line.equals(CacheFillChild.FILLING)) {
          return;
        }
        output.add(line);
      }
    }, () -> "the child did not start filling; it printed " + output);
  }

  private static List<String> names(String prefix) throws IOException {
    try (Stream<Path> files = Files.list(Path.of(prefix).getParent())) {
      return files.map(file -> file.getFileName().toString()).sorted().toList();
    }
  }

  private record Run(List<String> digests, long recordsFromCache) {}

  private static Run run(dev.ingest.Dataset dataset) {
    List<String> digests = new ArrayList<>();
    try (RunningPipeline iterator = (RunningPipeline) dataset.iterator()) {
      while (iterator.hasNext()) {
        try (var batch = iterator.next()) {
          digests.add(BatchDigest.hex(batch));
        }
      }
      return new Run(digests, iterator.recordsFromCache());
    }
  }
}
