package dev.ingest.runtime;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One file's records, one at a time, wherever they come from: the file itself ({@link
 * FileCursor}) or the pipeline's cache of it ({@link RecordCache}). After {@link
 * #advance()} the record is {@link #recordLength()} bytes of {@link #buffer()} from {@link
 * #recordStart()}, valid until the next call. Confined to the source thread.
 */
interface RecordCursor extends AutoCloseable {

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

  @Override
  void close() throws IOException;
}
