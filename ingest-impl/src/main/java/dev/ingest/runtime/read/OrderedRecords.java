package dev.ingest.runtime.read;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An epoch's records in an order given by global ids ({@link CoalescedRecords}, {@link
 * MappedRecords}): after {@link #advance()} the record is {@link #length()} bytes of {@link
 * #buffer()} from {@link #start()}, valid until the next call. One thread calls every method.
 */
public interface OrderedRecords extends AutoCloseable {
  /** The next record; false at the end. Bad records are skipped or thrown as the policy says. */
  boolean advance() throws IOException;

  ByteBuf buffer();

  int start();

  int length();

  int fileIndex();

  Path file();

  /** The byte offset of the record's header in its file. */
  long offset();

  long indexInFile();

  /** The masked CRC32C stored with the record's data. */
  int maskedDataCrc();

  /** Whether the caller may retain {@link #buffer()} and read the record there later. */
  boolean lendsBuffer();

  /** Whether the record's data CRC was checked here (else the caller's to check). */
  boolean dataCrcChecked();

  /** Positions of the order passed so far, returned or skipped: the current one is this - 1. */
  long positionsPassed();

  @Override
  void close();
}
