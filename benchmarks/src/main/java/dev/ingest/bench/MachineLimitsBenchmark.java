package dev.ingest.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.Control;

/**
 * What this machine allows, measured in the same run as the format layer so that the reader can
 * be reported as a fraction of it:
 *
 * <ul>
 *   <li>{@code copy}: memory copy bandwidth, a large direct buffer into another in 256 KiB chunks
 *       (both far larger than the caches, so this is memory to memory);
 *   <li>{@code copyIntoReadBuffer}: the same source into one 256 KiB buffer reused for every
 *       chunk, which is the copy the reader's file reads make (the destination stays in cache);
 *   <li>{@code crc32c} and {@code crc32cAllCores}: {@link CRC32C} over direct memory in
 *       record-sized pieces, one checksum per piece as the reader computes one per record;
 *   <li>{@code crc32cInCache}: the same over one 256 KiB stretch checksummed again and again,
 *       which is what the reader checksums: bytes its file read has just put in the cache;
 *   <li>{@code pageCacheRead}: the benchmark file read sequentially with {@code FileChannel.read}
 *       into a 256 KiB direct buffer, as the reader does but with no framing or CRC.
 * </ul>
 *
 * <p>The per-thread limit for the format layer is {@code 1 / (1/copy + 1/crc32c)}: every byte is
 * copied once and checksummed once. The reader's own pattern, a page-cache read into a buffer
 * that stays in cache and a checksum of that buffer, gives the closer bound {@code 1 /
 * (1/pageCacheRead + 1/crc32cInCache)}; the report shows both.
 */
public class MachineLimitsBenchmark extends BenchmarkDefaults {

  /** A random source buffer and two destinations, per thread. */
  @State(Scope.Thread)
  public static class CopyBuffers {
    @Param({"64"})
    public int fileMiB;

    ByteBuffer source;
    ByteBuffer target;
    ByteBuffer readBuffer;

    @Setup(Level.Trial)
    public void allocate() {
      source = BenchmarkFiles.randomDirectBuffer(fileMiB * MIB);
      target = BenchmarkFiles.alignedDirectBuffer(fileMiB * MIB);
      readBuffer = BenchmarkFiles.alignedDirectBuffer(READ_CHUNK_BYTES);
    }
  }

  /** Random direct memory cut into {@code pieceBytes} pieces, and a checksum, per thread. */
  @State(Scope.Thread)
  public static class CrcInput {
    @Param({"3072", "200"})
    public int pieceBytes;

    @Param({"64"})
    public int fileMiB;

    final CRC32C crc = new CRC32C();
    ByteBuffer view;
    int pieces;
    int piecesInCache;

    @Setup(Level.Trial)
    public void allocate() {
      view = BenchmarkFiles.randomDirectBuffer(fileMiB * MIB);
      pieces = view.capacity() / pieceBytes;
      piecesInCache = READ_CHUNK_BYTES / pieceBytes;
    }

    long passBytes() {
      return (long) pieces * pieceBytes;
    }
  }

  /** The buffer {@code pageCacheRead} reads into, per thread. */
  @State(Scope.Thread)
  public static class ReadBuffer {
    ByteBuffer buffer;

    @Setup(Level.Trial)
    public void allocate() {
      buffer = BenchmarkFiles.alignedDirectBuffer(READ_CHUNK_BYTES);
    }
  }

  @Benchmark
  public void copy(CopyBuffers buffers, ByteCounter counter, Control control) {
    boolean measured = PassCounters.measured(control);
    ByteBuffer source = buffers.source;
    ByteBuffer target = buffers.target;
    int size = source.capacity();
    for (int offset = 0; offset < size; offset += READ_CHUNK_BYTES) {
      target.put(offset, source, offset, Math.min(READ_CHUNK_BYTES, size - offset));
    }
    counter.add(measured, size);
  }

  @Benchmark
  public void copyIntoReadBuffer(CopyBuffers buffers, ByteCounter counter, Control control) {
    boolean measured = PassCounters.measured(control);
    ByteBuffer source = buffers.source;
    ByteBuffer target = buffers.readBuffer;
    int size = source.capacity();
    for (int offset = 0; offset < size; offset += READ_CHUNK_BYTES) {
      target.put(0, source, offset, Math.min(READ_CHUNK_BYTES, size - offset));
    }
    counter.add(measured, size);
  }

  @Benchmark
  public void crc32c(CrcInput input, ByteCounter counter, Blackhole bh, Control control) {
    boolean measured = PassCounters.measured(control);
    bh.consume(checksumPieces(input.view, input.crc, input.pieceBytes, input.pieces));
    counter.add(measured, input.passBytes());
  }

  @Benchmark
  public void crc32cInCache(CrcInput input, ByteCounter counter, Blackhole bh, Control control) {
    boolean measured = PassCounters.measured(control);
    int folded = 0;
    int stretches = input.view.capacity() / READ_CHUNK_BYTES;
    for (int i = 0; i < stretches; i++) {
      folded ^= checksumPieces(input.view, input.crc, input.pieceBytes, input.piecesInCache);
    }
    bh.consume(folded);
    counter.add(measured, (long) stretches * input.piecesInCache * input.pieceBytes);
  }

  @Benchmark
  @Threads(Threads.MAX)
  public void crc32cAllCores(CrcInput input, ByteCounter counter, Blackhole bh, Control control) {
    boolean measured = PassCounters.measured(control);
    bh.consume(checksumPieces(input.view, input.crc, input.pieceBytes, input.pieces));
    counter.add(measured, input.passBytes());
  }

  @Benchmark
  public void pageCacheRead(
      TFRecordFile file, DiskReads disk, ReadBuffer buffer, ByteCounter counter, Control control)
      throws IOException {
    boolean measured = PassCounters.measured(control);
    long read = BenchmarkFiles.readThrough(file.path(), buffer.buffer);
    if (read != file.bytes()) {
      throw new IllegalStateException("read " + read + " bytes, expected " + file.bytes());
    }
    counter.add(measured, read);
  }

  /**
   * One checksum for each of the first {@code pieces} pieces of {@code view}, as the reader
   * computes one per record; folds them so that none is dead code.
   */
  private static int checksumPieces(ByteBuffer view, CRC32C crc, int piece, int pieces) {
    int folded = 0;
    int offset = 0;
    view.clear();
    for (int i = 0; i < pieces; i++, offset += piece) {
      // The previous update left the position at the old limit, which is this offset.
      view.limit(offset + piece);
      view.position(offset);
      crc.reset();
      crc.update(view);
      folded ^= (int) crc.getValue();
    }
    return folded;
  }
}
