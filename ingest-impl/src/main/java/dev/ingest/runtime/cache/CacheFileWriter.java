package dev.ingest.runtime.cache;

import dev.ingest.runtime.read.RecordCache;
import dev.ingest.tfrecord.MaskedCrc32c;
import dev.ingest.tfrecord.TFRecordFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Writes one source file's records as a plain TFRecord file of a file cache: under a temporary
 * name while the source is read, then, when it has been read to its end, forced to the device
 * and renamed to its own name in one atomic step. So a cache file under its own name is always
 * whole; one cut short (closed early, the process killed) is only ever a temporary file, which
 * {@link #abandon()} deletes, or the next fill does.
 *
 * <p>Each record is framed as TensorFlow frames it, with the data CRC <em>stored</em> in the source
 * rather than one computed here: a record whose data does not match its CRC (not checked yet when
 * the parse workers check CRCs) stays detectably corrupt in the cache instead of being blessed
 * by it. Records are gathered in a pooled direct buffer and written in large pieces.
 *
 * <p>Confined to the source thread. It owns its buffer and file until {@link #complete()} or
 * {@link #abandon()}, whichever comes first; the other is then a no-op.
 */
final class CacheFileWriter implements RecordCache.Filling {
  private static final int BUFFER_BYTES = 256 * 1024;

  /** Told once the file is published, with its size. */
  interface Published {
    void published(long bytes) throws IOException;
  }

  private final Path target;
  private final Path temporary;
  private final Published onPublished;
  private final FileChannel channel;
  private final ByteBuf buffer;
  private final CRC32C crc = new CRC32C();
  private final byte[] lengthBytes = new byte[Long.BYTES];
  private long bytes;
  private boolean finished;

  /** Starts {@code target}'s temporary file. */
  CacheFileWriter(Path target, ByteBufAllocator allocator, Published onPublished)
      throws IOException {
    this.target = target;
    this.temporary = CacheLayout.temporary(target);
    this.onPublished = onPublished;
    this.channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE);
    this.buffer = allocator.directBuffer(BUFFER_BYTES, BUFFER_BYTES);
  }

  @Override
  public void add(ByteBuf source, int start, int length, long fileOffset, int maskedCrc)
      throws IOException {
    try {
      int framed = TFRecordFormat.FRAMING_BYTES + length;
      if (buffer.writableBytes() < framed) {
        flush();
      }
      buffer.writeLongLE(length);
      buffer.writeIntLE(maskedLengthCrc(length));
      if (framed <= buffer.capacity()) {
        buffer.writeBytes(source, start, length);
      } else {
        // Larger than the buffer: the data goes straight from the record's buffer to the file.
        flush();
        for (int written = 0; written < length; ) {
          written += source.getBytes(start + written, channel, length - written);
        }
      }
      buffer.writeIntLE(maskedCrc);
      bytes += framed;
    } catch (IOException e) {
      throw failure(e);
    }
  }

  @Override
  public void complete() throws IOException {
    if (finished) {
      return;
    }
    try {
      flush();
      channel.force(true);
      channel.close();
      AtomicFiles.publish(temporary, target);
    } catch (IOException e) {
      abandon();
      throw failure(e);
    }
    finished = true;
    buffer.release();
    onPublished.published(bytes);
  }

  @Override
  public void abandon() {
    if (finished) {
      return;
    }
    finished = true;
    buffer.release();
    try {
      channel.close();
    } catch (IOException ignored) {
      // Closing only matters to delete the file, which follows; a file left behind is temporary.
    }
    try {
      Files.deleteIfExists(temporary);
    } catch (IOException ignored) {
      // Its name marks it as temporary: the next run that fills the cache deletes it.
    }
  }

  private void flush() throws IOException {
    while (buffer.isReadable()) {
      buffer.readBytes(channel, buffer.readableBytes());
    }
    buffer.clear();
  }

  private int maskedLengthCrc(long length) {
    for (int i = 0; i < Long.BYTES; i++) {
      lengthBytes[i] = (byte) (length >>> (8 * i));
    }
    return MaskedCrc32c.of(crc, lengthBytes, 0, Long.BYTES);
  }

  private IOException failure(IOException cause) {
    return new IOException("cannot write the cache file " + temporary + " (to become " + target
        + "): " + cause.getMessage(), cause);
  }
}
