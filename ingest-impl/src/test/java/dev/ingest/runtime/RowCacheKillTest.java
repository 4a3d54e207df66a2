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
 * A cache of rows in files, its process killed for real ({@code destroyForcibly()}: SIGKILL, no
 * finally) by a parent test: during the fill, the next run fills again from the start and is
 * exact, and the run after that loads the cache; during a read of a complete cache, the files
 * are left as they were and the next run is exact.
 */
class RowCacheKillTest {
  private static final int[] RECORDS_PER_FILE = {700, 650, 3, 800};

  @TempDir Path dir;

  @AfterEach
  void noPipelineThreadOutlivesItsTest() throws InterruptedException {
    assertThat(IdRecords.ingestThreadsAliveAfter(10_000)).isEmpty();
  }

  @Test
  void aFillKilledMidwayLeavesNoCacheAndTheNextRunIsExact() throws Exception {
    Path sources = dir.resolve("sources");
    int total = IdRecords.write(sources, Compression.GZIP, RECORDS_PER_FILE);
    String prefix = dir.resolve("cache").resolve("train").toString();
    List<String> uncached = digests(RowCacheChild.pipeline(sources, null)).digests();

    killAfterTwoBatches(sources, prefix);
    assertThat(names(prefix)).as("what the kill left")
        .contains("train.filling", "train.lock")
        .doesNotContain("train.manifest", "train.rows.arrow")
        .anyMatch(name -> name.startsWith("train.rows.arrow.tmp-"));

    Run next = digests(RowCacheChild.pipeline(sources, prefix));
    assertThat(next.digests()).isEqualTo(uncached).isNotEmpty();
    assertThat(names(prefix)).as("after the next run")
        .contains("train.manifest", "train.rows.arrow")
        .doesNotContain("train.filling")
        .noneMatch(name -> name.contains(".tmp-"));

    Run after = digests(RowCacheChild.pipeline(sources, prefix));
    assertThat(after.digests()).isEqualTo(uncached);
    assertThat(after.handlesServed()).as("both epochs from the loaded cache")
        .isEqualTo(2L * total);
  }

  @Test
  void aReadKilledMidwayChangesNothing() throws Exception {
    Path sources = dir.resolve("sources");
    IdRecords.write(sources, Compression.NONE, RECORDS_PER_FILE);
    String prefix = dir.resolve("cache").resolve("train").toString();
    List<String> uncached = digests(RowCacheChild.pipeline(sources, null)).digests();
    digests(RowCacheChild.pipeline(sources, prefix));
    byte[] manifest = Files.readAllBytes(Path.of(prefix + ".manifest"));
    byte[] rows = Files.readAllBytes(Path.of(prefix + ".rows.arrow"));

    killAfterTwoBatches(sources, prefix);

    assertThat(Files.readAllBytes(Path.of(prefix + ".manifest"))).isEqualTo(manifest);
    assertThat(Files.readAllBytes(Path.of(prefix + ".rows.arrow"))).isEqualTo(rows);
    assertThat(digests(RowCacheChild.pipeline(sources, prefix)).digests()).isEqualTo(uncached);
  }

  /**
   * A fill that runs first (a shuffle after the cache) keeps a journal of parts; killed midway,
   * the next run keeps the parts, parses only the records after them, and is exact.
   */
  @Test
  void aFillFirstKilledMidwayIsResumedFromItsParts() throws Exception {
    Path sources = dir.resolve("sources");
    int total = IdRecords.write(sources, Compression.NONE, RECORDS_PER_FILE);
    String prefix = dir.resolve("cache").resolve("train").toString();
    List<String> inMemory = digests(RowCacheChild.permuted(sources, null)).digests();

    Process child = startChild(sources, prefix, "permuted", "-Dingest.rowCache.partBytes=4096",
        "-Drowcache.child.micros=300");
    try {
      awaitLine(child, RowCacheChild.TWO_PARTS);
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child ended").isTrue();
    }
    assertThat(names(prefix)).as("what the kill left")
        .contains("train.filling", "train.rows.part-00000.arrow", "train.rows.part-00001.arrow")
        .doesNotContain("train.manifest", "train.rows.arrow");

    RowCacheChild.Doubling.CALLS.set(0);
    Run next = digests(RowCacheChild.permuted(sources, prefix));

    assertThat(next.digests()).isEqualTo(inMemory).isNotEmpty();
    assertThat(RowCacheChild.Doubling.CALLS.get()).as("records parsed after the kept parts")
        .isPositive().isLessThan(total);
    assertThat(names(prefix)).as("after the next run")
        .contains("train.manifest", "train.rows.arrow")
        .doesNotContain("train.filling")
        .noneMatch(name -> name.contains(".part-") || name.contains(".tmp-"));
    RowCacheChild.Doubling.CALLS.set(0);
    assertThat(digests(RowCacheChild.permuted(sources, prefix)).digests()).isEqualTo(inMemory);
    assertThat(RowCacheChild.Doubling.CALLS.get()).as("the complete cache is loaded").isZero();
  }

  private static void killAfterTwoBatches(Path sources, String prefix) throws Exception {
    Process child = startChild(sources, prefix);
    try {
      awaitRunning(child);
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child ended").isTrue();
    }
  }

  private static Process startChild(Path sources, String prefix) throws IOException {
    return startChild(sources, prefix, "as-read");
  }

  private static Process startChild(Path sources, String prefix, String mode, String... flags)
      throws IOException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> command = new ArrayList<>(List.of(java, "-cp",
        System.getProperty("java.class.path"), "-Xmx256m", "-Dio.netty.leakDetection.level=disabled",
        // Arrow's memory module, which writes and reads the cache's rows file, needs it.
        "--add-opens=java.base/java.nio=ALL-UNNAMED"));
    command.addAll(List.of(flags));
    command.addAll(List.of(RowCacheChild.class.getName(), sources.toString(), prefix, mode));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  /** Waits for the child to say it has taken two batches; fails with what it printed otherwise. */
  private static void awaitRunning(Process child) {
    awaitLine(child, RowCacheChild.RUNNING);
  }

  /** Waits for the child to print {@code expected}; fails with what it printed otherwise. */
  private static void awaitLine(Process child, String expected) {
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
    }, () -> "the child did not start; it printed " + output);
  }

  private static List<String> names(String prefix) throws IOException {
    try (Stream<Path> files = Files.list(Path.of(prefix).getParent())) {
      return files.map(file -> file.getFileName().toString()).sorted().toList();
    }
  }

  private record Run(List<String> digests, long handlesServed) {}

  private static Run digests(dev.ingest.Dataset dataset) {
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
