package dev.ingest.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import dev.ingest.BatchIterator;
import dev.ingest.CacheMismatchException;
import dev.ingest.Dataset;
import dev.ingest.MemoryBudgetException;
import dev.ingest.PipelineOptions;
import dev.ingest.StorageOptions;
import dev.ingest.s3.testing.FaultProxy;
import dev.ingest.spi.ReadAhead;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.RecordFiles;
import dev.ingest.tfrecord.StoragePaths;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cache in files over remote shards: the first epoch reads the store, every later epoch and
 * run reads the local cache (the proxy counts the GETs), and the cache names each object by its
 * identity, so one rewritten since is refused. And the read-ahead in flight is counted against
 * the memory budget.
 */
class S3CacheTest {
  private static final String BUCKET = "cached";
  private static final int RECORDS = 300;

  @RegisterExtension
  static final S3MockExtension S3 =
      S3MockExtension.builder().silent().withInitialBuckets(BUCKET).build();

  @TempDir static Path local;
  static FaultProxy proxy;
  static StorageOptions storage;

  @BeforeAll
  static void writeShards() throws IOException {
    proxy = new FaultProxy(URI.create("http://localhost:" + S3.getHttpPort()), 7);
    storage = StorageOptions.defaults().withReadAhead(new ReadAhead(16 * 1024, 2))
        .withScheme("s3", Map.of("endpoint", proxy.endpoint().toString(), "path_style", "true"));
    SampleDatasets.write(SampleKind.TEXT, local.resolve("text"), RECORDS, 3, Compression.GZIP, 2);
    SampleDatasets.write(SampleKind.TEXT, StoragePaths.path("s3://" + BUCKET + "/text", storage),
        RECORDS, 3, Compression.GZIP, 2);
  }

  @AfterAll
  static void closeProxy() {
    proxy.close();
  }

  private static Dataset pipeline(String files, String cachePrefix, boolean rows, int epochs) {
    Dataset dataset = Dataset.tfrecord(files).shuffleFiles(true).interleave(2, 4);
    dataset = rows ? dataset.parseExample(SampleKind.TEXT.exampleSpec()).cache(cachePrefix)
        : dataset.cache(cachePrefix).parseExample(SampleKind.TEXT.exampleSpec());
    return dataset.shuffle(40).batch(20, false).repeat(epochs)
        .withOptions(PipelineOptions.defaults().withSeed(4).withThreads(2).withStorage(storage));
  }

  @Test
  void laterEpochsAndRunsReadTheLocalCacheNotTheStore() throws IOException {
    for (boolean rows : List.of(false, true)) {
      String remote = "s3://" + BUCKET + "/text";
      String prefix = local.resolve("cache-" + rows).toString();
      // The same pipeline over the local copy: a cache of rows with a shuffle after it is a
      // permutation, other batches than without the cache, so the reference caches too.
      List<String> fromDisk = S3PipelineTest.digests(
          pipeline(local.resolve("text").toString(), local.resolve("local-" + rows).toString(),
              rows, 3));

      proxy.reset();
      List<String> firstRun = S3PipelineTest.digests(pipeline(remote, prefix, rows, 3));
      long firstRunReads = proxy.rangedGets();
      proxy.reset();
      List<String> oneEpoch = S3PipelineTest.digests(
          pipeline(remote, local.resolve("one-" + rows).toString(), rows, 1));
      long oneEpochReads = proxy.rangedGets();
      proxy.reset();
      List<String> laterRun = S3PipelineTest.digests(pipeline(remote, prefix, rows, 3));

      assertThat(firstRun).as("rows=%s", rows).isEqualTo(fromDisk);
      assertThat(laterRun).isEqualTo(fromDisk);
      // Three epochs cost the store what one does: the first reads it, the others the cache.
      assertThat(firstRunReads).isEqualTo(oneEpochReads).isPositive();
      assertThat(oneEpoch).hasSizeLessThan(firstRun.size());
      // A later run asks the store only what the fingerprint needs: no object is read.
      assertThat(proxy.rangedGets()).isZero();
    }
  }

  @Test
  void aCacheOfObjectsRewrittenSinceIsRefused() throws IOException {
    String remote = "s3://" + BUCKET + "/rewritten";
    Path folder = StoragePaths.path(remote, storage);
    SampleDatasets.write(SampleKind.TEXT, folder, 100, 2, Compression.NONE, 8);
    String prefix = local.resolve("rewritten-cache").toString();
    S3PipelineTest.digests(pipeline(remote, prefix, false, 1));

    // The same shard again with other records of the same size: only its ETag tells.
    Path shard = RecordFiles.resolve(List.of(remote), storage).get(0);
    byte[] bytes = Files.readAllBytes(shard);
    bytes[bytes.length - 5] ^= 1;
    Path staged = local.resolve("staged");
    Files.write(staged, bytes);
    Files.copy(staged, shard, StandardCopyOption.REPLACE_EXISTING);
    assertThat(Files.size(shard)).isEqualTo(bytes.length);

    Throwable refused = catchThrowable(() ->
        S3PipelineTest.digests(pipeline(remote, prefix, false, 1)));
    assertThat(refused).isInstanceOf(CacheMismatchException.class)
        .hasMessageContaining(shard.toUri().toString());
  }

  @Test
  void theReadAheadInFlightIsCountedAgainstTheMemoryBudget() {
    // 4 MiB blocks, 4 deep, for each of 2 files of the cycle: 32 MiB, in a 16 MiB budget.
    StorageOptions deep = storage.withReadAhead(new ReadAhead(4 << 20, 4));
    Dataset dataset = Dataset.tfrecord("s3://" + BUCKET + "/text").interleave(2, 4)
        .parseExample(SampleKind.TEXT.exampleSpec()).batch(20, false)
        .withOptions(PipelineOptions.defaults().withStorage(deep).withMemoryBudget(16 << 20));
    Throwable failure;
    try (BatchIterator batches = dataset.iterator()) {
      failure = catchThrowable(batches::hasNext);
    }
    assertThat(failure).hasRootCauseInstanceOf(MemoryBudgetException.class);
    assertThat(rootOf(failure)).hasMessageContaining("object store read-ahead");
  }

  private static Throwable rootOf(Throwable thrown) {
    Throwable root = thrown;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root;
  }
}
