package dev.ingest.tfrecord;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * How a TFRecord file is compressed. As in TensorFlow, GZIP and ZLIB compress the whole file as
 * one stream (not record by record), so any standard gzip or zlib tool can make such a file.
 */
public enum Compression {
  /** Detect from the file's first bytes, whatever its name (reading only). */
  AUTO,
  /** Plain TFRecord framing. */
  NONE,
  /** An RFC 1952 gzip stream, possibly of several concatenated members. */
  GZIP,
  /** An RFC 1950 zlib stream. */
  ZLIB;

  /** Bytes {@link #detect(ByteBuffer)} wants to see: one plain TFRecord header. */
  public static final int DETECTION_BYTES = 12;

  /**
   * Parses the YAML and CLI spelling ({@code auto}, {@code none}, {@code gzip}, {@code zlib}),
   * ignoring case; TensorFlow's empty string means {@link #NONE}.
   */
  public static Compression parse(String text) {
    String name = text.trim().toUpperCase(Locale.ROOT);
    if (name.isEmpty()) {
      return NONE;
    }
    for (Compression compression : values()) {
      if (compression.name().equals(name)) {
        return compression;
      }
    }
    throw new IllegalArgumentException(
        "unknown compression '" + text + "': expected auto, none, gzip or zlib");
  }

  /** The lower-case name used in YAML, JSON and on the command line. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Detects the compression of an open file from its first bytes, read at absolute positions so
   * that the channel's position is left where it was. The one detector the reader and the CLI
   * share, so that {@code ingest explain} says what a read would find.
   */
  public static Compression detect(FileChannel channel) throws IOException {
    ByteBuffer head = ByteBuffer.allocate(DETECTION_BYTES);
    long position = 0;
    while (head.hasRemaining()) {
      int read = channel.read(head, position);
      if (read < 0) {
        break;
      }
      position += read;
    }
    return detect(head.flip());
  }

  /**
   * Detects the compression of an open file, of any store, from its first bytes: reads them from
   * the start and puts the channel's position back where it was.
   */
  public static Compression detect(SeekableByteChannel channel) throws IOException {
    if (channel instanceof FileChannel file) {
      return detect(file);
    }
    long was = channel.position();
    ByteBuffer head = ByteBuffer.allocate(DETECTION_BYTES);
    channel.position(0);
    while (head.hasRemaining() && channel.read(head) >= 0) {
      // a store may return fewer bytes than asked: read until the head is full or the file ends
    }
    channel.position(was);
    return detect(head.flip());
  }

  /**
   * Detects the compression of a file from its first bytes (up to {@link #DETECTION_BYTES};
   * fewer when the file is shorter). Reads {@code head} from its position to its limit without
   * moving them.
   *
   * <p>A plain header is recognised by its length CRC, which is checked first: a plain file's
   * first bytes are a little-endian length, and some lengths happen to look like a zlib header.
   * Then the gzip magic {@code 1f 8b}, then a zlib header (deflate method, window at most 32 KiB,
   * header checksum divisible by 31). Anything else is taken as plain, so that reading it reports
   * the corruption precisely instead of a vague "unknown format".
   */
  public static Compression detect(ByteBuffer head) {
    ByteBuffer bytes = head.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int available = bytes.remaining();
    if (available == 0) {
      return NONE;
    }
    int start = bytes.position();
    if (available >= DETECTION_BYTES) {
      ByteBuffer length = bytes.duplicate();
      length.limit(start + 8);
      int expected = bytes.getInt(start + 8);
      if (MaskedCrc32c.of(new CRC32C(), length) == expected) {
        return NONE;
      }
    }
    if (available >= 2) {
      int first = bytes.get(start) & 0xff;
      int second = bytes.get(start + 1) & 0xff;
      if (first == 0x1f && second == 0x8b) {
        return GZIP;
      }
      boolean deflate = (first & 0x0f) == 8 && (first >>> 4) <= 7;
      if (deflate && ((first << 8) | second) % 31 == 0) {
        return ZLIB;
      }
    }
    return NONE;
  }
}
