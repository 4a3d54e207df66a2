package dev.ingest.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A plain TFRecord file of fixed-size records with random payloads, written once per trial into a
 * fresh temporary directory and deleted after it. Shared by all threads of a trial, read-only.
 */
@State(Scope.Benchmark)
public class TFRecordFile {
  /** Payload bytes per record: image-like (3 KiB) and small tabular/text-like records. */
  @Param({"3072", "200"})
  public int recordBytes;

  /** Approximate file size; the smoke test makes it tiny. */
  @Param({"64"})
  public int fileMiB;

  private Path directory;
  private Path path;
  private long records;
  private long bytes;
  private ByteBuffer warmScratch;

  @Setup(Level.Trial)
  public void write() throws IOException {
    directory = Files.createTempDirectory("ingest-bench-");
    path = directory.resolve("records-" + recordBytes + ".tfrecord");
    long fileBytes = (long) fileMiB * BenchmarkDefaults.MIB;
    records = BenchmarkFiles.writeTFRecordFile(path, fileBytes, recordBytes);
    bytes = Files.size(path);
    warmScratch = BenchmarkFiles.alignedDirectBuffer(BenchmarkDefaults.READ_CHUNK_BYTES);
  }

  @TearDown(Level.Trial)
  public void delete() {
    BenchmarkFiles.deleteTree(directory);
  }

  /** Reads the file once so that the timed passes find it in the page cache. */
  void warmPageCache() throws IOException {
    long read = BenchmarkFiles.readThrough(path, warmScratch);
    if (read != bytes) {
      throw new IllegalStateException(path + " has " + read + " bytes, expected " + bytes);
    }
  }

  Path path() {
    return path;
  }

  /** Records in the file. */
  long records() {
    return records;
  }

  /** Bytes in the file, framing included. */
  long bytes() {
    return bytes;
  }
}
