package dev.ingest.tfrecord;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * An independent, deliberately naive TFRecord encoder: a bit-by-bit CRC32C straight from the
 * polynomial and byte shuffling by hand. Tests compare the production code against it, so a bug
 * shared by the writer and the reader (which would round-trip happily) still shows.
 */
final class ReferenceFraming {
  private static final int CASTAGNOLI_REFLECTED = 0x82F63B78;

  private ReferenceFraming() {}

  static int crc32c(byte[] bytes, int offset, int length) {
    int crc = 0xFFFFFFFF;
    for (int i = offset; i < offset + length; i++) {
      crc ^= bytes[i] & 0xFF;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 1) != 0 ? (crc >>> 1) ^ CASTAGNOLI_REFLECTED : crc >>> 1;
      }
    }
    return ~crc;
  }

  static int maskedCrc32c(byte[] bytes, int offset, int length) {
    int crc = crc32c(bytes, offset, length);
    return Integer.rotateRight(crc, 15) + 0xa282ead8;
  }

  static byte[] frame(List<byte[]> records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] record : records) {
      byte[] length = littleEndian(record.length, 8);
      out.writeBytes(length);
      out.writeBytes(littleEndian(maskedCrc32c(length, 0, 8) & 0xFFFFFFFFL, 4));
      out.writeBytes(record);
      out.writeBytes(littleEndian(maskedCrc32c(record, 0, record.length) & 0xFFFFFFFFL, 4));
    }
    return out.toByteArray();
  }

  private static byte[] littleEndian(long value, int bytes) {
    byte[] out = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      out[i] = (byte) (value >>> (8 * i));
    }
    return out;
  }
}
