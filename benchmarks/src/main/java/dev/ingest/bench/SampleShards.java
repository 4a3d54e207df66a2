package dev.ingest.bench;

import dev.ingest.ExampleSpec;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 *
 * <p>Where the environment variable {@value #DATA_DIRECTORY_VARIABLE} names a folder, the shards
 * are kept there ({@code KIND-MiBMiB/}) and reused by later trials and runs, since writing them
 * takes longer than many a trial; JMH's forks inherit the environment. Otherwise each trial
 * writes them to a temporary folder and deletes it.
 */
@State(Scope.Benchmark)
public class SampleShards {
  static final String DATA_DIRECTORY_VARIABLE = "INGEST_BENCH_DATA";
  static final int SHARDS = 8;
  static final long SEED = 42;

  @Param({"image", "tabular", "text"})
  public String kind;

  /** Serialized bytes to write, about; the smoke test makes it tiny. */
  @Param({"32"})
  public int dataMiB;

  /** How the shards are compressed: {@code none}, {@code gzip} or {@code zlib}. */
  @Param({"none"})
  public String compression;

  private Path directory;
  private boolean temporary;
  private List<Path> files;
  private long records;
  private long bytes;

  @Setup(Level.Trial)
  public void write() throws IOException {
    SampleKind sampleKind = sampleKind();
    records =
        Math.max(8, (long) dataMiB * BenchmarkDefaults.MIB / sampleKind.approximateRecordBytes());
    String kept = System.getenv(DATA_DIRECTORY_VARIABLE);
    if (kept == null || kept.isBlank()) {
      directory = Files.createTempDirectory("ingest-pipeline-bench-");
      temporary = true;
      SampleDatasets.write(sampleKind, directory, records, SHARDS, compression(), SEED);
    } else {
      String suffix = compression() == Compression.NONE ? "" : "-" + compression;
      directory = Path.of(kept).resolve(kind + "-" + dataMiB + "MiB" + suffix);
      if (!Files.isDirectory(directory)) {
        writeOnce(sampleKind, directory, records, compression());
      }
    }
    try (Stream<Path> listed = Files.list(directory)) {
      files = listed.filter(path -> path.toString().endsWith(".tfrecord")).sorted().toList();
    }
    if (files.size() != SHARDS) {
      throw new IllegalStateException(directory + " holds " + files.size() + " shards, expected "
          + SHARDS + ": delete it to have it written again");
    }
    for (Path file : files) {
      bytes += Files.size(file);
    }
  }

  @Setup(Level.Iteration)
  public void warmPageCache() throws IOException {
    readThrough(files);
  }

  /** Reads {@code files} through once, so that a timed pass finds them in the page cache. */
  static void readThrough(List<Path> files) throws IOException {
    ByteBuffer scratch = ByteBuffer.allocateDirect(BenchmarkDefaults.READ_CHUNK_BYTES);
    for (Path file : files) {
      BenchmarkFiles.readThrough(file, scratch);
    }
  }

  /**
   * Writes {@link #SHARDS} shards of {@code records} records of {@code sampleKind} beside {@code
   * target} and renames them in, so a run cut short leaves no half-written data.
   */
  static void writeOnce(SampleKind sampleKind, Path target, long records,
      Compression compression) throws IOException {
    Files.createDirectories(target.getParent());
    Path partial = Files.createTempDirectory(target.getParent(), target.getFileName() + ".partial-");
    SampleDatasets.write(sampleKind, partial, records, SHARDS, compression, SEED);
    try {
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException raced) {
      // Another fork wrote the same data first; its copy is as good as ours.
      BenchmarkFiles.deleteTree(partial);
      if (!Files.isDirectory(target)) {
        throw raced;
      }
    }
  }

  @TearDown(Level.Trial)
  public void delete() {
    if (temporary) {
      BenchmarkFiles.deleteTree(directory);
    }
  }

  Compression compression() {
    return Compression.parse(compression);
  }

  SampleKind sampleKind() {
    return SampleKind.valueOf(kind.toUpperCase(Locale.ROOT));
  }

  /** The spec a training job would parse this kind with. */
  ExampleSpec spec() {
    return sampleKind().exampleSpec();
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
