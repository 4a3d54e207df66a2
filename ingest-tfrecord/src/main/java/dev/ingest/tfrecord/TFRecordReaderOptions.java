package dev.ingest.tfrecord;

import dev.ingest.CorruptionPolicy;
import dev.ingest.RecordProblem;
import dev.ingest.spi.ReadAhead;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a {@link TFRecordReader} reads. Immutable; change one setting with the {@code with...}
 * methods, which return a copy.
 *
 * @param compression the file's compression; {@link Compression#AUTO} (default) detects it
 * @param verifyCrc check both masked CRC32Cs of every record (default {@code true})
 * @param deferDataCrc with {@code verifyCrc}, check each record's framing and length CRC but leave
 *     its data CRC to the caller (default {@code false}): the reader hands out the stored value as
 *     {@link TFRecordReader#recordMaskedDataCrc()} and never reports a {@link
 *     RecordProblem.Kind#DATA_CRC}. For a caller that copies each record anyway and checks it
 *     later on another thread (where the bytes are in that core's cache), so that reading, the
 *     serial part, does not pay for it; {@link TFRecordReader#dataCrcProblem} builds the problem
 *     the reader would have reported.
 * @param readBufferSize bytes asked of the file per read (default 256 KiB; at least 1). The
 *     reader's buffer grows beyond this only to hold a record larger than it.
 * @param maxRecordBytes largest accepted record payload (default 256 MiB, at most {@link
 *     #MAX_RECORD_BYTES_LIMIT}); a larger length is reported as {@link RecordProblem.Kind#TOO_LARGE}
 *     before anything is allocated for it
 * @param onCorrupt what a problem does (default {@link CorruptionPolicy#FAIL})
 * @param problemListener told of every problem before it is thrown or skipped (default: none).
 *     Called on the reading thread.
 * @param readBuffers where the read buffers come from and go back to when the reader is done
 *     with them (default: Netty's pooled direct allocator, released to it; {@link
 *     #withAllocator} takes another allocator's). A pool that keeps them saves
 *     a caller that reads file after file an allocation from Netty's arena per file, and Netty
 *     destroying and mapping 4 MiB chunks as files come and go (see {@link DirectMemory}). The
 *     reader frees a buffer to it only when no record slice it handed out still holds it.
 * @param readAhead for a file in a remote store (not on the local disk), how far ahead of the
 *     reader its channel reads (default {@link ReadAhead#auto()}); see {@link StoragePaths}
 */
public record TFRecordReaderOptions(
    Compression compression,
    boolean verifyCrc,
    boolean deferDataCrc,
    int readBufferSize,
    long maxRecordBytes,
    CorruptionPolicy onCorrupt,
    Consumer<RecordProblem> problemListener,
    DirectMemory readBuffers,
    ReadAhead readAhead) {

  public static final int DEFAULT_READ_BUFFER_SIZE = 256 * 1024;
  public static final long DEFAULT_MAX_RECORD_BYTES = 256L * 1024 * 1024;
  /** A record and its framing must fit one buffer, whose size is an {@code int}. */
  public static final long MAX_RECORD_BYTES_LIMIT =
      Integer.MAX_VALUE - 64 - TFRecordFormat.HEADER_BYTES - TFRecordFormat.FOOTER_BYTES;

  private static final TFRecordReaderOptions DEFAULTS =
      new TFRecordReaderOptions(
          Compression.AUTO,
          true,
          false,
          DEFAULT_READ_BUFFER_SIZE,
          DEFAULT_MAX_RECORD_BYTES,
          CorruptionPolicy.FAIL,
          problem -> {},
          DirectMemory.of(PooledByteBufAllocator.DEFAULT),
          ReadAhead.auto());

  public TFRecordReaderOptions {
    Objects.requireNonNull(compression, "compression");
    Objects.requireNonNull(onCorrupt, "onCorrupt");
    Objects.requireNonNull(problemListener, "problemListener");
    Objects.requireNonNull(readBuffers, "readBuffers");
    Objects.requireNonNull(readAhead, "readAhead");
    if (readBufferSize < 1) {
      throw new IllegalArgumentException("readBufferSize must be at least 1, got " + readBufferSize);
    }
    if (maxRecordBytes < 0 || maxRecordBytes > MAX_RECORD_BYTES_LIMIT) {
      throw new IllegalArgumentException(
          "maxRecordBytes must be in [0, " + MAX_RECORD_BYTES_LIMIT + "], got " + maxRecordBytes);
    }
  }

  /** The defaults listed on the record. */
  public static TFRecordReaderOptions defaults() {
    return DEFAULTS;
  }

  public TFRecordReaderOptions withCompression(Compression value) {
    return new TFRecordReaderOptions(
        value, verifyCrc, deferDataCrc, readBufferSize,
        maxRecordBytes, onCorrupt, problemListener, readBuffers, readAhead);
  }

  public TFRecordReaderOptions withVerifyCrc(boolean value) {
    return new TFRecordReaderOptions(
        compression, value, deferDataCrc, readBufferSize,
        maxRecordBytes, onCorrupt, problemListener, readBuffers, readAhead);
  }

  public TFRecordReaderOptions withDeferredDataCrc(boolean value) {
    return new TFRecordReaderOptions(
        compression, verifyCrc, value, readBufferSize,
        maxRecordBytes, onCorrupt, problemListener, readBuffers, readAhead);
  }

  public TFRecordReaderOptions withReadBufferSize(int value) {
    return new TFRecordReaderOptions(
        compression, verifyCrc, deferDataCrc, value,
        maxRecordBytes, onCorrupt, problemListener, readBuffers, readAhead);
  }

  public TFRecordReaderOptions withMaxRecordBytes(long value) {
    return new TFRecordReaderOptions(
        compression, verifyCrc, deferDataCrc, readBufferSize,
        value, onCorrupt, problemListener, readBuffers, readAhead);
  }

  public TFRecordReaderOptions withOnCorrupt(CorruptionPolicy value) {
    return new TFRecordReaderOptions(
        compression, verifyCrc, deferDataCrc, readBufferSize,
        maxRecordBytes, value, problemListener, readBuffers, readAhead);
  }

  public TFRecordReaderOptions withProblemListener(Consumer<RecordProblem> value) {
    return new TFRecordReaderOptions(
        compression, verifyCrc, deferDataCrc, readBufferSize,
        maxRecordBytes, onCorrupt, value, readBuffers, readAhead);
  }

  /**
   * Read buffers from {@code value}, released to it: {@code
   * withReadBuffers(DirectMemory.of(value))}.
   */
  public TFRecordReaderOptions withAllocator(ByteBufAllocator value) {
    return withReadBuffers(DirectMemory.of(value));
  }

  /** How far ahead a remote file's channel reads (see the record's {@code readAhead}). */
  public TFRecordReaderOptions withReadAhead(ReadAhead value) {
    return new TFRecordReaderOptions(
        compression, verifyCrc, deferDataCrc, readBufferSize,
        maxRecordBytes, onCorrupt, problemListener, readBuffers, value);
  }

  /** Read buffers from and back to {@code value} (see the record's {@code readBuffers}). */
  public TFRecordReaderOptions withReadBuffers(DirectMemory value) {
    return new TFRecordReaderOptions(
        compression, verifyCrc, deferDataCrc, readBufferSize,
        maxRecordBytes, onCorrupt, problemListener, value, readAhead);
  }
}
