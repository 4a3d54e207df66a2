package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.Dataset;
import dev.ingest.runtime.IdRecords.CachedRun;
import dev.ingest.testing.ChildJvm;
import dev.ingest.tfrecord.Compression;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
    List<String> uncached = IdRecords.digests(RowCacheChild.pipeline(sources, null));

    killAfterTwoBatches(sources, prefix);
    assertThat(ChildJvm.names(prefix)).as("what the kill left")
        .contains("train.filling", "train.lock")
        .doesNotContain("train.manifest", "train.rows.arrow")
        .anyMatch(name -> name.startsWith("train.rows.arrow.tmp-"));

    CachedRun next = IdRecords.runCountingCache(RowCacheChild.pipeline(sources, prefix));
    assertThat(next.digests()).isEqualTo(uncached).isNotEmpty();
    assertThat(ChildJvm.names(prefix)).as("after the next run")
        .contains("train.manifest", "train.rows.arrow")
        .doesNotContain("train.filling")
        .noneMatch(name -> name.contains(".tmp-"));

    CachedRun after = IdRecords.runCountingCache(RowCacheChild.pipeline(sources, prefix));
    assertThat(after.digests()).isEqualTo(uncached);
    assertThat(after.recordsFromCache()).as("both epochs from the loaded cache")
        .isEqualTo(2L * total);
  }

  @Test
  void aReadKilledMidwayChangesNothing() throws Exception {
    Path sources = dir.resolve("sources");
    IdRecords.write(sources, Compression.NONE, RECORDS_PER_FILE);
    String prefix = dir.resolve("cache").resolve("train").toString();
    List<String> uncached = IdRecords.digests(RowCacheChild.pipeline(sources, null));
    IdRecords.digests(RowCacheChild.pipeline(sources, prefix));
    byte[] manifest = Files.readAllBytes(Path.of(prefix + ".manifest"));
    byte[] rows = Files.readAllBytes(Path.of(prefix + ".rows.arrow"));

    killAfterTwoBatches(sources, prefix);

    assertThat(Files.readAllBytes(Path.of(prefix + ".manifest"))).isEqualTo(manifest);
    assertThat(Files.readAllBytes(Path.of(prefix + ".rows.arrow"))).isEqualTo(rows);
    assertThat(IdRecords.digests(RowCacheChild.pipeline(sources, prefix))).isEqualTo(uncached);
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
    List<String> inMemory = IdRecords.digests(RowCacheChild.permuted(sources, null));

    Process child = ChildJvm.start(RowCacheChild.class,
        List.of("-Dingest.rowCache.partBytes=4096", "-Drowcache.child.micros=300"),
        sources.toString(), prefix, "permuted");
    try {
      ChildJvm.awaitLine(child, RowCacheChild.TWO_PARTS);
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child ended").isTrue();
    }
    assertThat(ChildJvm.names(prefix)).as("what the kill left")
        .contains("train.filling", "train.rows.part-00000.arrow", "train.rows.part-00001.arrow")
        .doesNotContain("train.manifest", "train.rows.arrow");

    RowCacheChild.Doubling.CALLS.set(0);
    CachedRun next = IdRecords.runCountingCache(RowCacheChild.permuted(sources, prefix));

    assertThat(next.digests()).isEqualTo(inMemory).isNotEmpty();
    assertThat(RowCacheChild.Doubling.CALLS.get()).as("records parsed after the kept parts")
        .isPositive().isLessThan(total);
    assertThat(ChildJvm.names(prefix)).as("after the next run")
        .contains("train.manifest", "train.rows.arrow")
        .doesNotContain("train.filling")
        .noneMatch(name -> name.contains(".part-") || name.contains(".tmp-"));
    RowCacheChild.Doubling.CALLS.set(0);
    assertThat(IdRecords.digests(RowCacheChild.permuted(sources, prefix))).isEqualTo(inMemory);
    assertThat(RowCacheChild.Doubling.CALLS.get()).as("the complete cache is loaded").isZero();
  }

  /**
   * Children killed at random moments, one after another over the same cache of rows (see {@link
   * CacheKills}), for the cache filled as it is read and for the one filled first from a journal
   * of parts: each child's batches are exact, and no kill leaves a cache taken for whole unless
   * it is.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {CacheFillChild.EVERY_BATCH, RowCacheChild.PERMUTED_EVERY_BATCH})
  void killsAtRandomMomentsNeverLeaveACacheTakenForWhole(String mode) throws Exception {
    Path sources = dir.resolve("sources");
    int total = IdRecords.write(sources, Compression.NONE, RECORDS_PER_FILE);
    String prefix = dir.resolve("cache").resolve("train").toString();
    boolean permuted = mode.equals(RowCacheChild.PERMUTED_EVERY_BATCH);
    List<String> inMemory = IdRecords.digests(permuted
        ? RowCacheChild.permuted(sources, null) : RowCacheChild.pipeline(sources, null));

    Supplier<Dataset> cached = () -> permuted
        ? RowCacheChild.permuted(sources, prefix) : RowCacheChild.pipeline(sources, prefix);
    // The fill that runs first is slowed, and kept in small parts, so that kills land in it.
    List<String> flags = permuted
        ? List.of("-Dingest.rowCache.partBytes=4096", "-Drowcache.child.micros=150") : List.of();
    CacheKills.Tally tally = CacheKills.run(RowCacheChild.class, flags,
        List.of(sources.toString(), prefix, mode), prefix, inMemory, cached, run -> {
          RowCacheChild.Doubling.CALLS.set(0);
          CachedRun whole = IdRecords.runCountingCache(cached.get());
          assertThat(whole.digests()).as(run).isEqualTo(inMemory);
          // The cache filled first hands out rows it loaded, not records: no map call tells.
          assertThat(RowCacheChild.Doubling.CALLS.get()).as(run).isZero();
          if (!permuted) {
            assertThat(whole.recordsFromCache()).as(run).isEqualTo(2L * total);
          }
        }, CacheKills.KILLS / 2, CacheKills.SEED + (permuted ? 1 : 0));

    System.out.println("RowCacheKillTest, a file cache of rows (" + mode + "): " + tally);
    assertThat(tally.kills()).as("children killed before they ended").isPositive();
  }

  private static void killAfterTwoBatches(Path sources, String prefix) throws Exception {
    Process child = ChildJvm.start(RowCacheChild.class, List.of(), sources.toString(), prefix);
    try {
      ChildJvm.awaitLine(child, RowCacheChild.RUNNING);
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child ended").isTrue();
    }
  }
}
