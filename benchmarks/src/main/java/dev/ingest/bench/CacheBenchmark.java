package dev.ingest.bench;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.Dataset;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.Control;

/**
 * What {@code cache()} buys: one epoch of a training-like pipeline over GZIP {@code image} shards
 * (8 shards; parse, batch 256, all cores), where reading and decompressing dominate, with no
 * cache, the cache in memory and the cache in files. One operation is one epoch.
 *
 * <ul>
 *   <li>{@code firstEpoch}: a fresh pipeline's only epoch, read from the sources while the cache
 *       (emptied before each operation) fills: what epoch 1 costs, start-up included.
 *   <li>{@code laterEpoch}: one epoch of a pipeline that repeats forever and whose first epoch
 *       was read (and the cache filled) before the iteration: what epochs 2, 3, ... cost.
 * </ul>
 *
 * Without a cache the ratio of the two is only the start-up and the JIT's warm-up; with one it
 * is that and the read work the cache removes. {@link CacheReport} puts the ratios side by side.
 */
public class CacheBenchmark extends BenchmarkDefaults {
  static final int BATCH_ROWS = 256;
  static final int SHARDS = 8;

  /** GZIP image shards in a temporary folder, and where the file cache goes. */
  @State(Scope.Benchmark)
  public static class CachedShards {
    @Param({"none", "memory", "files"})
    public String cache;

    /** Serialized bytes to write, about; the smoke test makes it tiny. */
    @Param({"32"})
    public int dataMiB;

    Path directory;
    Path sources;
    String cachePrefix;
    long records;
    long batchesPerEpoch;

    @Setup(Level.Trial)
    public void write() throws IOException {
      SampleKind kind = SampleKind.IMAGE;
      records = Math.max(2L * BATCH_ROWS,
          (long) dataMiB * BenchmarkDefaults.MIB / kind.approximateRecordBytes());
      directory = Files.createTempDirectory("ingest-cache-bench-");
      sources = directory.resolve("sources");
      Files.createDirectories(sources);
      SampleDatasets.write(kind, sources, records, SHARDS, Compression.GZIP, 42);
      cachePrefix = directory.resolve("cache").resolve("image").toString();
      batchesPerEpoch = records / BATCH_ROWS;
    }

    @TearDown(Level.Trial)
    public void delete() {
      BenchmarkFiles.deleteTree(directory);
    }

    /** The pipeline, {@code epochs} long ({@code -1}: forever), with this trial's cache. */
    Dataset pipeline(int epochs) {
      // The cache is called before parse_example: this benchmark measures the record cache.
      Dataset source = Dataset.tfrecord(sources.toString());
      Dataset cached = switch (cache) {
        case "none" -> source;
        case "memory" -> source.cache();
        case "files" -> source.cache(cachePrefix);
        default -> throw new IllegalArgumentException("cache must be none, memory or files");
      };
      return cached.parseExample(SampleKind.IMAGE.exampleSpec())
          .batch(BATCH_ROWS, true)
          .repeat(epochs);
    }

    /** Deletes the file cache, so that the next pipeline fills it again. */
    void emptyCache() throws IOException {
      Path folder = Path.of(cachePrefix).getParent();
      if (Files.isDirectory(folder)) {
        try (Stream<Path> files = Files.list(folder)) {
          for (Path file : files.toList()) {
            Files.delete(file);
          }
        }
      }
    }
  }

  /** Empties the file cache before each first epoch, outside the measured time. */
  @State(Scope.Thread)
  public static class EmptyCache {
    @Setup(Level.Invocation)
    public void empty(CachedShards data) throws IOException {
      data.emptyCache();
    }
  }

  /** A pipeline repeating forever whose first epoch has been read (and cached). */
  @State(Scope.Thread)
  public static class WarmPipeline {
    BatchIterator batches;

    @Setup(Level.Iteration)
    public void start(CachedShards data) throws IOException {
      data.emptyCache();
      batches = data.pipeline(-1).iterator();
      takeEpoch(batches, data, null);
    }

    @TearDown(Level.Iteration)
    public void stop() {
      batches.close();
    }
  }

  /** Epoch 1: a fresh pipeline reads the sources and fills the cache. */
  @Benchmark
  public void firstEpoch(CachedShards data, EmptyCache empty, PassCounters counters,
      Blackhole bh, Control control) {
    boolean measured = PassCounters.measured(control);
    try (BatchIterator batches = data.pipeline(1).iterator()) {
      long rows = takeEpoch(batches, data, bh);
      if (batches.hasNext()) {
        throw new IllegalStateException("a one-epoch pipeline has more than an epoch");
      }
      counters.add(measured, 0, rows);
    }
  }

  /** Epochs 2, 3, ...: one epoch more from a pipeline whose cache is full. */
  @Benchmark
  public void laterEpoch(CachedShards data, WarmPipeline pipeline, PassCounters counters,
      Blackhole bh, Control control) {
    boolean measured = PassCounters.measured(control);
    counters.add(measured, 0, takeEpoch(pipeline.batches, data, bh));
  }

  /** Takes one epoch's batches (drop_remainder: each epoch has the same number); its rows. */
  private static long takeEpoch(BatchIterator batches, CachedShards data, Blackhole bh) {
    long rows = 0;
    for (long i = 0; i < data.batchesPerEpoch; i++) {
      try (Batch batch = batches.next()) {
        rows += batch.rows();
        if (bh != null) {
          bh.consume(batch.column("label").longs().get(0));
        }
      }
    }
    if (rows != data.batchesPerEpoch * BATCH_ROWS) {
      throw new IllegalStateException("an epoch gave " + rows + " rows, expected "
          + data.batchesPerEpoch * BATCH_ROWS);
    }
    return rows;
  }
}
