package dev.ingest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * The SHA-256 of a batch's canonical form, as the run report and {@code --digest-log} define it:
 * for each feature in ascending order of its UTF-8 name, the name's UTF-8 bytes, a zero byte, the
 * dtype's code ({@code f}, {@code i}, {@code b}), then row by row the row's value count (4 bytes,
 * little-endian) and its values (float32 as 4 bytes, int64 as 8 bytes, little-endian; a byte
 * string as its length in 4 bytes, little-endian, then its bytes). Padded features count their
 * padded length.
 *
 * <p>Two batches with the same digest hold the same values in the same places, whatever their
 * memory layout. Stateless; thread-safe.
 */
public final class BatchDigest {
  private static final Comparator<byte[]> UNSIGNED_BYTES = Arrays::compareUnsigned;

  private BatchDigest() {}

  /** The batch's digest as 64 lower-case hex digits. */
  public static String hex(Batch batch) {
    return HexFormat.of().formatHex(of(batch));
  }

  /** The batch's 32-byte digest. */
  public static byte[] of(Batch batch) {
    MessageDigest sha256 = sha256();
    update(sha256, batch);
    return sha256.digest();
  }

  /** Feeds the batch's canonical form to {@code digest} (to digest a run: every batch in order). */
  public static void update(MessageDigest digest, Batch batch) {
    List<Column> columns = batch.columns().stream()
        .sorted(Comparator.comparing(column -> utf8(column.name()), UNSIGNED_BYTES))
        .toList();
    ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    for (Column column : columns) {
      digest.update(utf8(column.name()));
      digest.update((byte) 0);
      digest.update((byte) column.dtype().code());
      ByteBuffer values = column.values();
      java.nio.IntBuffer offsets =
          column.dtype() == DType.BYTES ? column.valueOffsets() : null;
      int value = 0;
      for (int row = 0; row < column.rows(); row++) {
        int count = column.rowLength(row);
        digest.update(scratch.clear().putInt(count).flip());
        for (int i = 0; i < count; i++, value++) {
          if (offsets == null) {
            int width = column.dtype().width();
            digest.update(values.duplicate().position(value * width).limit((value + 1) * width));
          } else {
            int start = offsets.get(value);
            int end = offsets.get(value + 1);
            digest.update(scratch.clear().putInt(end - start).flip());
            digest.update(values.duplicate().position(start).limit(end));
          }
        }
      }
    }
  }

  /** A fresh SHA-256 (every JDK has it). */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
