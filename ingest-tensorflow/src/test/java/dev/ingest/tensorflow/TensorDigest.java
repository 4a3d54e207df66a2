package dev.ingest.tensorflow;

import dev.ingest.BatchDigest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * The run digest's canonical form (CONTRACTS.md section 3, as {@link BatchDigest} computes it
 * from a batch) computed from tensors instead, reading every value through TensorFlow Java's own
 * accessors. Equal digests mean the tensors hold what the batch held, value for value and row
 * for row, whatever memory path the bridge took.
 */
final class TensorDigest {
  private TensorDigest() {}

  static String hex(BatchTensors tensors) {
    MessageDigest digest = BatchDigest.sha256();
    update(digest, tensors);
    return java.util.HexFormat.of().formatHex(digest.digest());
  }

  /** Feeds the canonical form of {@code tensors} (every feature, names in ascending order). */
  static void update(MessageDigest digest, BatchTensors tensors) {
    List<FeatureTensors> features = new ArrayList<>(tensors.features());
    features.sort((a, b) -> Arrays.compareUnsigned(utf8(a.name()), utf8(b.name())));
    for (FeatureTensors feature : features) {
      digest.update(utf8(feature.name()));
      digest.update((byte) 0);
      Tensor values = feature.values();
      digest.update((byte) code(values));
      List<byte[]> flat = flatValues(values);
      long[] rowLengths = rowLengths(feature, tensors.rows());
      int next = 0;
      for (long length : rowLengths) {
        digest.update(littleEndianInt((int) length));
        for (int i = 0; i < length; i++) {
          digest.update(flat.get(next++));
        }
      }
    }
  }

  /** One row's value count per row: from the row splits, or the dense shape. */
  private static long[] rowLengths(FeatureTensors feature, int rows) {
    long[] lengths = new long[rows];
    if (feature.ragged()) {
      TInt64 splits = feature.rowSplits();
      for (int row = 0; row < rows; row++) {
        lengths[row] = splits.getLong(row + 1) - splits.getLong(row);
      }
    } else {
      Shape shape = feature.values().shape();
      long perRow = rows == 0 ? 0 : shape.size() / rows;
      Arrays.fill(lengths, perRow);
    }
    return lengths;
  }

  /** Each value's canonical bytes, in row-major order. */
  private static List<byte[]> flatValues(Tensor values) {
    List<byte[]> flat = new ArrayList<>();
    if (values instanceof TFloat32 floats) {
      floats.scalars().forEach(scalar -> flat.add(
          ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(scalar.getFloat())
              .array()));
    } else if (values instanceof TInt64 longs) {
      longs.scalars().forEach(scalar -> flat.add(
          ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(scalar.getLong())
              .array()));
    } else if (values instanceof TString strings) {
      strings.asBytes().scalars().forEach(scalar -> {
        byte[] bytes = scalar.getObject();
        flat.add(ByteBuffer.allocate(4 + bytes.length).order(ByteOrder.LITTLE_ENDIAN)
            .putInt(bytes.length).put(bytes).array());
      });
    } else {
      throw new AssertionError("unexpected tensor " + values);
    }
    return flat;
  }

  private static char code(Tensor values) {
    if (values instanceof TFloat32) {
      return 'f';
    }
    return values instanceof TInt64 ? 'i' : 'b';
  }

  private static byte[] littleEndianInt(int value) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
