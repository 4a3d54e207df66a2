package dev.ingest.runtime.read;

import dev.ingest.tfrecord.TFRecordReader;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One file's records, one at a time, wherever they come from: the file itself ({@link
 * FileCursor}) or the pipeline's cache of it ({@link RecordCache}). After {@link
 * #advance()} the record is {@link #recordLength()} bytes of {@link #buffer()} from {@link
 * #recordStart()}, valid until the next call. Confined to the source thread.
 */
public interface RecordCursor extends AutoCloseable {

  /** Moves to the next record; false at the end of the file. */
  boolean advance() throws IOException;

  ByteBuf buffer();

  int recordStart();

  int recordLength();

  Path file();

  /** Byte offset of the record's header in the (decompressed) file. */
  long recordOffset();

  /** Records returned so far, this one included. */
  long recordsRead();

  /** The masked CRC32C stored with the record's data. */
  int recordMaskedDataCrc();

  /**
   * Whether the caller may {@code retain()} {@link #buffer()} and read the record there after the
   * cursor has moved on (until it releases it): the cursor then reads on into another buffer and
   * never changes the bytes of one that is still held. {@link TFRecordReader} works that way; a
   * cursor whose buffers are recycled regardless (read-ahead blocks) does not.
   */
  boolean lendsBuffer();

  @Override
  void close() throws IOException;
}
