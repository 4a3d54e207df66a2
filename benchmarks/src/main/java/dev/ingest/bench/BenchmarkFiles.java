package dev.ingest.bench;

import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.TFRecordWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/** Makes the benchmarks' input files and keeps them in the page cache. */
final class BenchmarkFiles {
  /** The same seed everywhere, so that every benchmark of one record size reads the same bytes. */
  private static final long SEED = 0x1d_a7a5_e7L;

  private static final int PAGE_BYTES = 4096;

  private BenchmarkFiles() {}

  /**
   * Writes a plain TFRecord file of {@code recordBytes}-byte records with random payloads, as many
   * as fit in {@code fileBytes} with their framing. Returns the number of records written.
   */
  static long writeTFRecordFile(Path file, long fileBytes, int recordBytes) throws IOException {
    long records = Math.max(1, fileBytes / (recordBytes + 16L));
    SplittableRandom random = new SplittableRandom(SEED ^ recordBytes);
    byte[] payload = new byte[recordBytes];
    try (TFRecordWriter writer = TFRecordWriter.open(file, Compression.NONE)) {
      for (long i = 0; i < records; i++) {
        random.nextBytes(payload);
        writer.write(payload);
      }
    }
    return records;
  }

  /**
   * A direct buffer of {@code bytes} that starts on a page boundary. {@code allocateDirect} alone
   * returns memory 16 bytes past a 64-byte boundary here, and the kernel's copy from the page
   * cache into such a buffer ran at a third of the speed of a copy into an aligned one (AMD EPYC,
   * Linux, JDK 17), which would make the limits look lower than they are. The reader's pooled
   * buffers are aligned, so the limits use aligned buffers too.
   */
  static ByteBuffer alignedDirectBuffer(int bytes) {
    ByteBuffer aligned = ByteBuffer.allocateDirect(bytes + PAGE_BYTES).alignedSlice(PAGE_BYTES);
    return aligned.limit(bytes).slice();
  }

  /** Fills a page-aligned direct buffer of {@code bytes} with random bytes. */
  static ByteBuffer randomDirectBuffer(int bytes) {
    ByteBuffer buffer = alignedDirectBuffer(bytes);
    byte[] block = new byte[64 * 1024];
    SplittableRandom random = new SplittableRandom(SEED);
    while (buffer.hasRemaining()) {
      random.nextBytes(block);
      buffer.put(block, 0, Math.min(block.length, buffer.remaining()));
    }
    return buffer.clear();
  }

  /**
   * Reads the whole file through {@code scratch} (cleared first and after), so that its pages are
   * in the page cache for the pass that follows. Returns the bytes read.
   */
  static long readThrough(Path file, ByteBuffer scratch) throws IOException {
    long total = 0;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      scratch.clear();
      int read;
      while ((read = channel.read(scratch)) >= 0) {
        total += read;
        scratch.clear();
      }
    }
    return total;
  }

  /** Deletes a directory made for a trial and everything in it. */
  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(BenchmarkFiles::delete);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
