package dev.ingest.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a seed input for a {@code FuzzedDataProvider} fuzz target: the bytes that make the
 * provider return the given values, in the order the target asks for them. The provider (as
 * libFuzzer's) takes numbers and booleans from the end of the input, last byte first, and byte
 * arrays and strings from the front; a number in {@code [min, max]} takes as many bytes as the
 * range needs, most significant first.
 *
 * <p>Seeds start the fuzzer deep inside a format (a valid file, a valid state) instead of at
 * random bytes; they are committed beside the crashes, and replayed by every test run.
 */
public final class FuzzSeed {
  private final ByteArrayOutputStream front = new ByteArrayOutputStream();
  /** Bytes for the end, in the order they are taken (the last byte of the input first). */
  private final ByteArrayOutputStream back = new ByteArrayOutputStream();

  /** What {@code consumeInt(min, max)} / {@code consumeLong(min, max)} will return. */
  public FuzzSeed number(long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(value + " is not in [" + min + ", " + max + "]");
    }
    long range = max - min;
    long offset = value - min;
    int bytes = 0;
    while (bytes < 8 && (range >>> (8 * bytes)) > 0) {
      bytes++;
    }
    for (int i = bytes - 1; i >= 0; i--) {
      back.write((int) (offset >>> (8 * i)));
    }
    return this;
  }

  /** What {@code consumeBoolean()} will return. */
  public FuzzSeed bool(boolean value) {
    back.write(value ? 1 : 0);
    return this;
  }

  /** What {@code consumeByte()} will return. */
  public FuzzSeed oneByte(byte value) {
    back.write((value + 128) & 0xff);
    return this;
  }

  /** What {@code pickValue(values)} will return, as the index of the value picked. */
  public FuzzSeed pick(int index, int count) {
    return number(index, 0, count - 1);
  }

  /** What {@code consumeBytes(n)} (with n at least their length) will return. */
  public FuzzSeed bytes(byte[] value) {
    front.writeBytes(value);
    return this;
  }

  /** The input: the front bytes, then the numbers' bytes, last taken first. */
  public byte[] toBytes() {
    byte[] tail = back.toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(front.toByteArray());
    for (int i = tail.length - 1; i >= 0; i--) {
      out.write(tail[i]);
    }
    return out.toByteArray();
  }

  /** Writes the input as {@code folder/name}, making the folder. */
  public Path writeTo(Path folder, String name) throws IOException {
    Files.createDirectories(folder);
    return Files.write(folder.resolve(name), toBytes());
  }
}
