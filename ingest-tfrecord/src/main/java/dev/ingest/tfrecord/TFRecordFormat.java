package dev.ingest.tfrecord;

/**
 * The TFRecord framing, as TensorFlow's {@code RecordWriter} writes it. Every record is:
 *
 * <pre>
 *   +----------------+------------------+---------------------+------------------+
 *   | length: uint64 | masked CRC32C of | data: length bytes  | masked CRC32C of |
 *   | little-endian  | the 8 length     |                     | the data         |
 *   |                | bytes: uint32 LE |                     | uint32 LE        |
 *   +----------------+------------------+---------------------+------------------+
 *     8 bytes          4 bytes            length bytes          4 bytes
 * </pre>
 *
 * A file is the records back to back, with nothing before, between or after them.
 */
public final class TFRecordFormat {
  /** Length (8 bytes) and its masked CRC (4 bytes). */
  public static final int HEADER_BYTES = 12;
  /** The data's masked CRC. */
  public static final int FOOTER_BYTES = 4;
  /** Framing bytes around each record's data. */
  public static final int FRAMING_BYTES = HEADER_BYTES + FOOTER_BYTES;

  private TFRecordFormat() {}
}
