package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ingest.CacheMismatchException;
import dev.ingest.Dataset;
import dev.ingest.IngestException;
import dev.ingest.MemoryBudgetException;
import dev.ingest.PaddingSpec;
import dev.ingest.PipelineOptions;
import dev.ingest.Row;
import dev.ingest.RowMapper;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A cache of rows in files, through the runtime: the run that fills it and the runs that load it
 * yield the uncached batches (every kind, var-len and bytes columns through Arrow and back); a
 * later run runs no transform before the cache; a cache of another pipeline, a transform without
 * a version and a cache the budget cannot hold are refused before anything is served.
 */
class RowCacheFilesTest {
  @TempDir static Path dir;
  @TempDir Path caches;

  @BeforeAll
  static void write() throws IOException {
    for (SampleKind kind : SampleKind.values()) {
      SampleDatasets.write(kind, dir.resolve(kind.name()), 300, 3, Compression.NONE, 11);
    }
  }

  @AfterEach
  void noPipelineThreadOutlivesItsTest() throws InterruptedException {
    assertThat(IdRecords.ingestThreadsAliveAfter(10_000)).isEmpty();
  }

  /** A versioned map that counts its calls: what a cache in files may follow. */
  static final class Counting implements RowMapper, dev.ingest.Versioned {
    final AtomicLong calls = new AtomicLong();
    final String version;

    Counting(String version) {
      this.version = version;
    }

    @Override
    public void apply(Row row) {
      calls.incrementAndGet();
    }

    @Override
    public String version() {
      return version;
    }
  }

  private static Dataset read(SampleKind kind) {
    return Dataset.tfrecord(dir.resolve(kind.name()).toString())
        .interleave(2, 3)
        .shuffle(40)
        .parseExample(kind.exampleSpec())
        .withOptions(PipelineOptions.defaults().withSeed(5).withThreads(2));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(SampleKind.class)
  void theFillingRunAndTheLoadingRunsYieldTheUncachedBatches(SampleKind kind) {
    String prefix = caches.resolve("rows").toString();
    Counting map = new Counting("1");
    PaddingSpec padding = kind == SampleKind.TEXT
        ? PaddingSpec.none().pad("tokens", PaddingSpec.LONGEST) : PaddingSpec.none();
    List<String> uncached = IdRecords.digests(
        read(kind).map("count", new Counting("1")).paddedBatch(16, padding, false).repeat(3));
    Dataset cached = read(kind).map("count", map).cache(prefix)
        .paddedBatch(16, padding, false).repeat(3);

    assertThat(IdRecords.digests(cached)).as("the run that fills").isEqualTo(uncached);
    assertThat(map.calls.get()).isEqualTo(300);
    assertThat(Files.exists(Path.of(prefix + ".manifest"))).isTrue();
    assertThat(IdRecords.digests(cached)).as("a run that loads").isEqualTo(uncached);
    assertThat(map.calls.get()).as("no map before the cache runs again").isEqualTo(300);
  }

  @Test
  void aCacheOfAnotherVersionOfATransformIsRefusedNamingIt() {
    String prefix = caches.resolve("rows").toString();
    IdRecords.digests(read(SampleKind.TABULAR).map("count", new Counting("1")).cache(prefix)
        .batch(8, false));

    assertThatThrownBy(() -> read(SampleKind.TABULAR).map("count", new Counting("2"))
        .cache(prefix).batch(8, false).iterator())
        .isInstanceOf(CacheMismatchException.class)
        .hasMessageContaining(prefix)
        .hasMessageContaining("transform.0")
        .hasMessageContaining("version=1")
        .hasMessageContaining("version=2");
    assertThatThrownBy(() -> read(SampleKind.TABULAR).cache(prefix).batch(8, false).iterator())
        .as("no transform before the cache now")
        .isInstanceOf(CacheMismatchException.class)
        .hasMessageContaining("transforms");
  }

  @Test
  void aTransformWithoutAVersionIsRefusedSayingHowToGiveOne() {
    RowMapper unversioned = row -> { };
    assertThatThrownBy(() -> read(SampleKind.TABULAR).map(unversioned)
        .cache(caches.resolve("rows").toString()).batch(8, false).iterator())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("declares no version")
        .hasMessageContaining("dev.ingest.Versioned")
        .hasMessageContaining("version:");
    assertThat(IdRecords.digests(read(SampleKind.TABULAR).map(unversioned).cache()
        .batch(8, false))).as("in memory it needs none").isNotEmpty();
  }

  @Test
  void aCacheTheBudgetCannotHoldIsRefusedBeforeItIsLoaded() {
    String prefix = caches.resolve("rows").toString();
    Dataset cached = read(SampleKind.IMAGE).cache(prefix).batch(8, false);
    IdRecords.digests(cached);

    IngestException failure = IdRecords.untilFailure(cached.withOptions(
        PipelineOptions.defaults().withSeed(5).withMemoryBudget(64 * 1024))).failure();

    assertThat(failure).isNotNull();
    assertThat(failure.getCause()).isInstanceOf(MemoryBudgetException.class)
        .hasMessageContaining(prefix)
        .hasMessageContaining("options.memory_budget");
  }
}
