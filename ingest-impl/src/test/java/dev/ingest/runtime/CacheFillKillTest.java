package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.runtime.IdRecords.CachedRun;
import dev.ingest.testing.ChildJvm;
import dev.ingest.tfrecord.Compression;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

    Process child = ChildJvm.start(CacheFillChild.class, List.of(), sources.toString(), prefix);
    try {
      ChildJvm.awaitLine(child, CacheFillChild.FILLING);
      assertThat(ChildJvm.names(prefix)).as("mid-fill")
          .contains("train.filling", "train.lock")
          .doesNotContain("train.manifest")
          .anyMatch(name -> name.contains(".tmp-"));

      // The child holds the lock: this run reads its sources and leaves the cache alone.
      CachedRun bystander = IdRecords.runCountingCache(CacheFillChild.pipeline(sources, prefix));
      assertThat(bystander.digests()).isEqualTo(uncached);
      assertThat(bystander.recordsFromCache()).isZero();
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child ended").isTrue();
    }
    assertThat(ChildJvm.names(prefix)).as("what the kill left")
        .doesNotContain("train.manifest")
        .anyMatch(name -> name.contains(".tmp-"));

    CachedRun next = IdRecords.runCountingCache(CacheFillChild.pipeline(sources, prefix));

    assertThat(next.digests()).isEqualTo(uncached).isNotEmpty();
    assertThat(ChildJvm.names(prefix)).as("after the next run")
        .contains("train.manifest")
        .doesNotContain("train.filling")
        .noneMatch(name -> name.contains(".tmp-"));
    CachedRun after = IdRecords.runCountingCache(CacheFillChild.pipeline(sources, prefix));
    assertThat(after.digests()).isEqualTo(uncached);
    assertThat(after.recordsFromCache()).isEqualTo(2L * total);
  }

  /**
   * Children killed at random moments, one after another over the same cache (see {@link
   * CacheKills}): before, during and after the fill, while the manifest is written, and while a
   * complete cache is read. Each child's batches are exact, and no kill leaves a cache that is
   * taken for whole unless it is.
   */
  @Test
  void killsAtRandomMomentsNeverLeaveACacheTakenForWhole() throws Exception {
    Path sources = dir.resolve("sources");
    int total = IdRecords.write(sources, Compression.GZIP, RECORDS_PER_FILE);
    String prefix = dir.resolve("cache").resolve("train").toString();
    List<String> uncached = IdRecords.digests(CacheFillChild.pipeline(sources, null));

    CacheKills.Tally tally = CacheKills.run(CacheFillChild.class, List.of(),
        List.of(sources.toString(), prefix, CacheFillChild.EVERY_BATCH), prefix, uncached,
        () -> CacheFillChild.pipeline(sources, prefix), run -> {
          CachedRun whole = IdRecords.runCountingCache(CacheFillChild.pipeline(sources, prefix));
          assertThat(whole.digests()).as(run).isEqualTo(uncached);
          assertThat(whole.recordsFromCache()).as(run).isEqualTo(2L * total);
        }, CacheKills.KILLS, CacheKills.SEED);

    System.out.println("CacheFillKillTest, a file cache of records: " + tally);
    assertThat(tally.kills()).as("children killed before they ended").isPositive();
  }
}
