package dev.ingest.tfrecord;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * TFRecord's checksum: CRC32C (Castagnoli) of the bytes, then "masked" so that a CRC stored
 * inside CRC-protected data does not checksum to a fixed point.
 *
 * <pre>
 *   masked = ((crc &gt;&gt;&gt; 15) | (crc &lt;&lt; 17)) + 0xa282ead8
 * </pre>
 *
 * <p>{@link CRC32C} is a JDK intrinsic on x86 and arm64 and reads direct buffers in place, so
 * checking a record costs one pass over memory that is already in cache after the read.
 *
 * <p>Stateless and thread-safe; the {@link CRC32C} instances passed in are not.
 */
public final class MaskedCrc32c {
  private static final int MASK_DELTA = 0xa282ead8;

  private MaskedCrc32c() {}

  /** Masks a raw CRC32C value the way TensorFlow's {@code crc32c::Mask} does. */
  public static int mask(int crc) {
    return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
  }

  /** Inverse of {@link #mask(int)}. */
  public static int unmask(int maskedCrc) {
    int rotated = maskedCrc - MASK_DELTA;
    return (rotated >>> 17) | (rotated << 15);
  }

  /**
   * Masked CRC32C of the buffer's remaining bytes. Consumes them: the buffer's position ends at
   * its limit. {@code crc} is scratch state and is reset first.
   */
  public static int of(CRC32C crc, ByteBuffer bytes) {
    crc.reset();
    crc.update(bytes);
    return mask((int) crc.getValue());
  }

  /** Masked CRC32C of {@code length} bytes of {@code bytes} from {@code offset}. */
  public static int of(CRC32C crc, byte[] bytes, int offset, int length) {
    crc.reset();
    crc.update(bytes, offset, length);
    return mask((int) crc.getValue());
  }

  /**
   * The masked CRC32C of a record's length as its header stores it (8 little-endian bytes), from
   * tables: no checksum object, no bytes to lay out.
   */
  public static int ofLength(long length) {
    return LengthCrc.masked(length);
  }

  /** Masked CRC32C of a whole array, with a fresh checksum object (convenient, not for hot paths). */
  public static int of(byte[] bytes) {
    return of(new CRC32C(), bytes, 0, bytes.length);
  }
}
