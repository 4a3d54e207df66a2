package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.Batch;
import dev.ingest.BatchDigest;
import dev.ingest.BatchIterator;
import dev.ingest.DType;
import dev.ingest.Dataset;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import dev.ingest.IngestException;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.TFRecordWriter;
import dev.ingest.tfrecord.example.ExampleEncoder;
import java.io.IOException;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Record files whose records say who they are: each holds a unique int64 {@code id} (counting
 * from 0 over all files, in file order) and a {@code payload} of four int64s derived from it, so
 * a test can tell which record came out where.
 */
public final class IdRecords {
  public static final ExampleSpec SPEC = ExampleSpec.of(
      FeatureSpec.fixed("id", DType.INT64), FeatureSpec.fixed("payload", DType.INT64, 4));

  private IdRecords() {}

  /** Writes {@code recordsPerFile.length} files into {@code dir}; returns the total records. */
  public static int write(Path dir, int... recordsPerFile) throws IOException {
    return write(dir, Compression.NONE, recordsPerFile);
  }

  /** As {@link #write(Path, int...)}, each file compressed as {@code compression} says. */
  public static int write(Path dir, Compression compression, int... recordsPerFile)
      throws IOException {
    return writePadded(dir, compression, 0, 0, recordsPerFile);
  }

  /**
   * As {@link #write(Path, Compression, int...)}, with a {@code padding} bytes feature (not in
   * {@link #SPEC}) of {@code paddingBytes} in every {@code paddedEvery}-th record (by id; 0: none),
   * for records of another size.
   */
  public static int writePadded(Path dir, Compression compression, int paddingBytes,
      int paddedEvery, int... recordsPerFile) throws IOException {
    Files.createDirectories(dir);
    byte[] padding = new byte[paddingBytes];
    java.util.Arrays.fill(padding, (byte) 0x5A);
    ExampleEncoder encoder = new ExampleEncoder();
    int id = 0;
    for (int file = 0; file < recordsPerFile.length; file++) {
      Path path = dir.resolve(
          String.format("part-%05d-of-%05d.tfrecord", file, recordsPerFile.length));
      try (TFRecordWriter writer = TFRecordWriter.open(path, compression)) {
        for (int i = 0; i < recordsPerFile[file]; i++, id++) {
          encoder.clear()
              .putInt64("id", id)
              .putInt64s("payload", new long[] {id * 3L, id * 5L, id * 7L, -id});
          if (paddedEvery > 0 && id % paddedEvery == 0) {
            encoder.putBytes("padding", padding);
          }
          writer.write(encoder.toByteArray());
        }
      }
    }
    return id;
  }

  /** The ids of every batch, in order, one list per batch; checks each batch's payload. */
  public static List<List<Long>> batches(Dataset dataset) {
    List<List<Long>> batches = new ArrayList<>();
    try (BatchIterator iterator = dataset.iterator()) {
      while (iterator.hasNext()) {
        try (Batch batch = iterator.next()) {
          batches.add(ids(batch));
        }
      }
    }
    return batches;
  }

  /** The ids in output order, all batches flattened. */
  static List<Long> ids(Dataset dataset) {
    return batches(dataset).stream().flatMap(List::stream).collect(Collectors.toList());
  }

  /** Splits an output stream of ids into epochs of {@code perEpoch} records. */
  static List<List<Long>> epochs(List<Long> ids, int perEpoch) {
    assertThat(ids.size() % perEpoch)
        .as("records out, %s, are whole epochs of %s", ids.size(), perEpoch)
        .isZero();
    List<List<Long>> epochs = new ArrayList<>();
    for (int start = 0; start < ids.size(); start += perEpoch) {
      epochs.add(ids.subList(start, start + perEpoch));
    }
    return epochs;
  }

  static List<Long> ids(Batch batch) {
    LongBuffer ids = batch.longs("id");
    LongBuffer payload = batch.longs("payload");
    List<Long> out = new ArrayList<>(batch.rows());
    for (int row = 0; row < batch.rows(); row++) {
      long id = ids.get(row);
      assertThat(new long[] {payload.get(4 * row), payload.get(4 * row + 1),
          payload.get(4 * row + 2), payload.get(4 * row + 3)})
          .as("payload of record %s", id)
          .containsExactly(id * 3L, id * 5L, id * 7L, -id);
      out.add(id);
    }
    return out;
  }

  /** What a run delivered until it failed: the ids, and the failure ({@code null}: none). */
  record UntilFailure(List<Long> ids, IngestException failure) {}

  /** Runs {@code dataset} to its end or its first failure, checking each batch's payloads. */
  static UntilFailure untilFailure(Dataset dataset) {
    List<Long> ids = new ArrayList<>();
    try (BatchIterator iterator = dataset.iterator()) {
      while (iterator.hasNext()) {
        try (Batch batch = iterator.next()) {
          ids.addAll(ids(batch));
        }
      }
    } catch (IngestException e) {
      return new UntilFailure(ids, e);
    }
    return new UntilFailure(ids, null);
  }

  /** The digest of every batch, in order. */
  static List<String> digests(Dataset dataset) {
    List<String> digests = new ArrayList<>();
    try (BatchIterator iterator = dataset.iterator()) {
      while (iterator.hasNext()) {
        try (Batch batch = iterator.next()) {
          digests.add(BatchDigest.hex(batch));
        }
      }
    }
    return digests;
  }

  /** Batch digests of a whole run, and the records (or handles) it took from its cache. */
  record CachedRun(List<String> digests, long recordsFromCache) {}

  /** Runs {@code dataset} to its end: its batch digests and what it read from its cache. */
  static CachedRun runCountingCache(Dataset dataset) {
    List<String> digests = new ArrayList<>();
    try (RunningPipeline iterator = (RunningPipeline) dataset.iterator()) {
      while (iterator.hasNext()) {
        try (Batch batch = iterator.next()) {
          digests.add(BatchDigest.hex(batch));
        }
      }
      return new CachedRun(digests, iterator.recordsFromCache());
    }
  }

  /** 0, 1, ..., count - 1. */
  public static List<Long> range(int count) {
    return Stream.iterate(0L, id -> id + 1).limit(count).collect(Collectors.toList());
  }

  /** The pipeline threads alive now. */
  static List<Thread> liveIngestThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().startsWith("ingest-") && thread.isAlive())
        .collect(Collectors.toList());
  }

  /**
   * Joins every live pipeline thread, bounded by {@code timeoutMillis} in all, and returns those
   * still alive after it.
   */
  public static List<Thread> ingestThreadsAliveAfter(long timeoutMillis)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    for (Thread thread : liveIngestThreads()) {
      long leftMillis = (deadline - System.nanoTime()) / 1_000_000L;
      thread.join(Math.max(1, leftMillis));
    }
    return liveIngestThreads();
  }
}
