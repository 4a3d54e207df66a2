package dev.ingest.tfrecord.index;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/** Unsigned LEB128 varints, as protobuf writes them: 7 bits a byte, low bits first. */
final class Varints {
  /** A 64-bit value takes at most 10 bytes. */
  private static final int MAX_BYTES = 10;

  private Varints() {}

  /** The bytes {@link #put} writes for {@code value}. */
  static int size(long value) {
    int bytes = 1;
    while ((value >>>= 7) != 0) {
      bytes++;
    }
    return bytes;
  }

  static void put(ByteBuffer out, long value) {
    while ((value & ~0x7fL) != 0) {
      out.put((byte) ((value & 0x7f) | 0x80));
      value >>>= 7;
    }
    out.put((byte) value);
  }

  /**
   * Reads one varint.
   *
   * @throws BufferUnderflowException if {@code in} ends inside it
   * @throws ArithmeticException if it runs past 10 bytes
   */
  static long get(ByteBuffer in) {
    long value = 0;
    for (int i = 0; i < MAX_BYTES; i++) {
      byte b = in.get();
      value |= (long) (b & 0x7f) << (7 * i);
      if (b >= 0) {
        return value;
      }
    }
    throw new ArithmeticException("a varint longer than " + MAX_BYTES + " bytes");
  }
}
