package dev.ingest.bench;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The naive loader's reader: TFRecord files one after the other through a buffered {@link
 * DataInputStream}, both CRC32Cs checked, each record in a new array. What a hand-written Java
 * loader does, and the baseline ingest's reader is compared with.
 *
 * <p>Single-threaded; the caller owns it and must close it.
 */
final class NaiveRecordStream implements AutoCloseable {
  private static final int BUFFER_BYTES = 256 * 1024;

  private final List<Path> files;
  private final boolean repeat;
  private final CRC32C crc = new CRC32C();
  private final byte[] header = new byte[12];
  private final byte[] footer = new byte[4];
  private int nextFile;
  private DataInputStream stream;
  private Path current;

  /** Reads {@code files} in order, once, or again and again when {@code repeat}. */
  NaiveRecordStream(List<Path> files, boolean repeat) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no files to read");
    }
    this.files = files;
    this.repeat = repeat;
  }

  /** The next record's payload, or null after the last record of the last file (never, when repeating). */
  byte[] next() throws IOException {
    while (true) {
      if (stream == null && !open()) {
        return null;
      }
      if (readHeader()) {
        long length = littleEndianLong(header);
        checkCrc(header, 0, 8, littleEndianInt(header, 8));
        byte[] record = new byte[(int) length];
        stream.readFully(record);
        stream.readFully(footer);
        checkCrc(record, 0, record.length, littleEndianInt(footer, 0));
        return record;
      }
      stream.close();
      stream = null;
    }
  }

  @Override
  public void close() throws IOException {
    if (stream != null) {
      stream.close();
      stream = null;
    }
  }

  private boolean open() throws IOException {
    if (nextFile == files.size()) {
      if (!repeat) {
        return false;
      }
      nextFile = 0;
    }
    current = files.get(nextFile++);
    InputStream in = new BufferedInputStream(Files.newInputStream(current), BUFFER_BYTES);
    stream = new DataInputStream(in);
    return true;
  }

  private boolean readHeader() throws IOException {
    int first = stream.read();
    if (first < 0) {
      return false;
    }
    header[0] = (byte) first;
    try {
      stream.readFully(header, 1, header.length - 1);
    } catch (EOFException e) {
      throw new IOException("truncated header in " + current, e);
    }
    return true;
  }

  private void checkCrc(byte[] bytes, int offset, int length, int expected) throws IOException {
    crc.reset();
    crc.update(bytes, offset, length);
    int value = (int) crc.getValue();
    int masked = ((value >>> 15) | (value << 17)) + 0xa282ead8;
    if (masked != expected) {
      throw new IOException("CRC mismatch in " + current);
    }
  }

  private static long littleEndianLong(byte[] bytes) {
    long value = 0;
    for (int i = 7; i >= 0; i--) {
      value = (value << 8) | (bytes[i] & 0xFF);
    }
    return value;
  }

  private static int littleEndianInt(byte[] bytes, int offset) {
    return (bytes[offset] & 0xFF) | (bytes[offset + 1] & 0xFF) << 8
        | (bytes[offset + 2] & 0xFF) << 16 | (bytes[offset + 3] & 0xFF) << 24;
  }
}
