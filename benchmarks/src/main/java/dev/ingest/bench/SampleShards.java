package dev.ingest.bench;

import dev.ingest.ExampleSpec;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code ingest gen} shards of one kind on disk, as a pipeline reads them: written once per
 * trial, read once before every iteration so that the timed passes find them in the page cache.
 */
@State(Scope.Benchmark)
public class SampleShards {
  @Param({"image", "tabular", "text"})
  public String kind;

  /** Serialized bytes to write, about; the smoke test makes it tiny. */
  @Param({"32"})
  public int dataMiB;

  private Path directory;
  private List<Path> files;
  private long records;
  private long bytes;

  @Setup(Level.Trial)
  public void write() throws IOException {
    SampleKind sampleKind = SampleKind.valueOf(kind.toUpperCase(Locale.ROOT));
    directory = Files.createTempDirectory("ingest-pipeline-bench-");
    records =
        Math.max(8, (long) dataMiB * BenchmarkDefaults.MIB / sampleKind.approximateRecordBytes());
    SampleDatasets.write(sampleKind, directory, records, 8, Compression.NONE, 42);
    try (Stream<Path> listed = Files.list(directory)) {
      files = listed.filter(path -> path.toString().endsWith(".tfrecord")).sorted().toList();
    }
    for (Path file : files) {
      bytes += Files.size(file);
    }
  }

  @Setup(Level.Iteration)
  public void warmPageCache() throws IOException {
    ByteBuffer scratch = ByteBuffer.allocateDirect(BenchmarkDefaults.READ_CHUNK_BYTES);
    for (Path file : files) {
      BenchmarkFiles.readThrough(file, scratch);
    }
  }

  @TearDown(Level.Trial)
  public void delete() {
    BenchmarkFiles.deleteTree(directory);
  }

  /** The spec a training job would parse this kind with. */
  ExampleSpec spec() {
    return SampleKind.valueOf(kind.toUpperCase(Locale.ROOT)).exampleSpec();
  }

  String folder() {
    return directory.toString();
  }

  List<Path> files() {
    return files;
  }

  long records() {
    return records;
  }

  /** File bytes, framing included. */
  long bytes() {
    return bytes;
  }
}
