package dev.ingest.tfrecord;

import static dev.ingest.tfrecord.TFRecordFormat.FOOTER_BYTES;
import static dev.ingest.tfrecord.TFRecordFormat.HEADER_BYTES;

import io.netty.buffer.ByteBuf;
import java.io.BufferedOutputStream;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.CRC32C;
import java.util.zip.Deflater;

/**
 * Writes records in TFRecord framing, plain or as one GZIP or ZLIB stream, byte for byte as
 * TensorFlow's {@code RecordWriter} does (see {@link TFRecordFormat}).
 *
 * <ul>
 *   <li>{@link #flush()} pushes every record written so far to the file; for compressed files it
 *       is a zlib sync flush, so a concurrent reader can decompress up to there.
 *   <li>{@link #close()} finishes the compressed stream and closes the file; it is idempotent.
 *   <li>Writing after close is an {@link IllegalStateException}.
 * </ul>
 *
 * <p>The {@code write} methods read the caller's record and never keep or release it.
 *
 * <p>A writer is for one thread at a time (no internal synchronisation).
 */
public final class TFRecordWriter implements AutoCloseable, Flushable {
  private static final int STREAM_BUFFER_BYTES = 64 * 1024;

  private final String name;
  private final OutputStream out;
  private final CRC32C crc = new CRC32C();
  private final byte[] header = new byte[HEADER_BYTES];
  private final ByteBuffer headerView = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
  private final byte[] footer = new byte[FOOTER_BYTES];
  private final ByteBuffer footerView = ByteBuffer.wrap(footer).order(ByteOrder.LITTLE_ENDIAN);
  private long recordsWritten;
  private long bytesWritten;
  private boolean closed;

  private TFRecordWriter(String name, OutputStream out) {
    this.name = name;
    this.out = out;
  }

  /**
   * Creates (or truncates) {@code file} and writes records to it with the given compression
   * ({@link Compression#NONE}, {@link Compression#GZIP} or {@link Compression#ZLIB}) at zlib's
   * default level. The caller owns the writer and must close it.
   */
  public static TFRecordWriter open(Path file, Compression compression) throws IOException {
    return open(file, compression, Deflater.DEFAULT_COMPRESSION);
  }

  /** As {@link #open(Path, Compression)}, with a zlib level from 0 to 9 (or -1, the default). */
  public static TFRecordWriter open(Path file, Compression compression, int level)
      throws IOException {
    OutputStream fileOut = Files.newOutputStream(file);
    try {
      return toStream(file.toString(), fileOut, compression, level);
    } catch (IOException | RuntimeException e) {
      fileOut.close();
      throw e;
    }
  }

  /**
   * Writes records to {@code out}, which the writer then owns and closes. {@code name} names the
   * destination in error messages.
   */
  public static TFRecordWriter toStream(
      String name, OutputStream out, Compression compression, int level) throws IOException {
    Objects.requireNonNull(compression, "compression");
    if (compression == Compression.AUTO) {
      throw new IllegalArgumentException("a writer needs a concrete compression, not auto");
    }
    if (level < -1 || level > 9) {
      throw new IllegalArgumentException("zlib level must be in [-1, 9], got " + level);
    }
    OutputStream buffered = new BufferedOutputStream(out, STREAM_BUFFER_BYTES);
    return new TFRecordWriter(name, CompressedStreams.writable(buffered, compression, level));
  }

  /** Writes the bytes from {@code offset} to {@code offset + length} as one record. */
  public void write(byte[] record, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, record.length);
    writeHeader(length);
    out.write(record, offset, length);
    writeFooter(MaskedCrc32c.of(crc, record, offset, length), length);
  }

  /** Writes the whole array as one record. */
  public void write(byte[] record) throws IOException {
    write(record, 0, record.length);
  }

  /** Writes the buffer's readable bytes as one record; its indices are left as they were. */
  public void write(ByteBuf record) throws IOException {
    int length = record.readableBytes();
    writeHeader(length);
    record.getBytes(record.readerIndex(), out, length);
    int dataCrc = MaskedCrc32c.of(crc, record.nioBuffer(record.readerIndex(), length));
    writeFooter(dataCrc, length);
  }

  /** Writes the buffer's remaining bytes as one record; its position is left as it was. */
  public void write(ByteBuffer record) throws IOException {
    ByteBuffer view = record.duplicate();
    int length = view.remaining();
    writeHeader(length);
    if (view.hasArray()) {
      out.write(view.array(), view.arrayOffset() + view.position(), length);
    } else {
      byte[] copy = new byte[length];
      view.duplicate().get(copy);
      out.write(copy);
    }
    writeFooter(MaskedCrc32c.of(crc, view), length);
  }

  /** Records written so far. */
  public long recordsWritten() {
    return recordsWritten;
  }

  /** Uncompressed bytes written so far, framing included. */
  public long bytesWritten() {
    return bytesWritten;
  }

  @Override
  public void flush() throws IOException {
    ensureOpen();
    out.flush();
  }

  /** Finishes the stream and closes the destination. Idempotent. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    out.close();
  }

  private void writeHeader(int length) throws IOException {
    ensureOpen();
    headerView.putLong(0, length);
    headerView.putInt(8, LengthCrc.masked(length));
    out.write(header);
  }

  private void writeFooter(int dataCrc, int length) throws IOException {
    footerView.putInt(0, dataCrc);
    out.write(footer);
    recordsWritten++;
    bytesWritten += TFRecordFormat.FRAMING_BYTES + (long) length;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("writer of " + name + " is closed");
    }
  }
}
