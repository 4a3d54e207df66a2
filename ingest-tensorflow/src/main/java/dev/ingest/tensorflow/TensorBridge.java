package dev.ingest.tensorflow;

import dev.ingest.Batch;
import dev.ingest.Column;
import dev.ingest.DType;
import dev.ingest.tensorflow.internal.TensorMemory;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * Turns a {@link Batch} into TensorFlow Java tensors: float32 columns into {@link TFloat32},
 * int64 into {@link TInt64}, bytes into {@link TString}; a ragged (var-len) column into flat
 * values plus {@code [rows + 1]} int64 row splits; a padded or fixed column into one dense tensor
 * of shape {@code [rows, row shape...]} (see {@link FeatureTensors}).
 *
 * <h2>Copies</h2>
 *
 * Numeric values and row splits are copied <b>once</b>: each tensor is allocated by TensorFlow
 * (64-byte aligned, so its C core uses it as is) and the column's off-heap bytes are copied into
 * the tensor's own memory with one bulk memory copy (see {@link TensorMemory}). TensorFlow Java's
 * {@code Tensor.of(type, shape, DataBuffers.of(byteBuffer))} would copy the same bytes one at a
 * time in Java. Byte strings cannot be copied in bulk: TensorFlow stores each as a {@code
 * TF_TString}, so each value is copied into a Java array and then by TensorFlow into its string.
 *
 * <p>A tensor cannot share the batch's memory: TensorFlow Java has no public way to make a
 * tensor over foreign memory, so a copy-free mode is not offered (see {@code docs/tensorflow.md}).
 *
 * <h2>Ownership</h2>
 *
 * The caller keeps ownership of the batch (this neither retains nor releases it) and owns the
 * returned {@link BatchTensors}, which it must close. If the conversion fails, every tensor made
 * so far is closed before the exception leaves.
 *
 * <p>Stateless; thread-safe: any thread that may read the batch may convert it.
 */
public final class TensorBridge {
  private TensorBridge() {}

  /** Every column of {@code batch} as tensors; the caller must close the result. */
  public static BatchTensors toTensors(Batch batch) {
    List<FeatureTensors> features = new ArrayList<>();
    boolean complete = false;
    try {
      for (Column column : batch.columns()) {
        features.add(toTensors(column));
      }
      complete = true;
      return new BatchTensors(batch.rows(), features);
    } finally {
      if (!complete) {
        BatchTensors.closeAll(features);
      }
    }
  }

  /** One column as tensors; package-private because a lone feature has no owner to close it. */
  static FeatureTensors toTensors(Column column) {
    Tensor values = null;
    TInt64 rowSplits = null;
    boolean complete = false;
    try {
      Shape shape = column.ragged()
          ? Shape.of(column.valueCount())
          : Shape.of(denseShape(column));
      values = values(column, shape);
      if (column.ragged()) {
        rowSplits = TInt64.tensorOf(Shape.of(column.rows() + 1L));
        TensorMemory.view(rowSplits).asLongBuffer().put(column.rowSplits());
      }
      complete = true;
      return new FeatureTensors(column.name(), values, rowSplits);
    } finally {
      if (!complete) {
        if (values != null) {
          values.close();
        }
        if (rowSplits != null) {
          rowSplits.close();
        }
      }
    }
  }

  private static Tensor values(Column column, Shape shape) {
    switch (column.dtype()) {
      case FLOAT32: {
        TFloat32 tensor = TFloat32.tensorOf(shape);
        // A FloatBuffer put between direct buffers of one byte order is a memory copy; were the
        // platform big-endian, the same call would swap each value from the column's
        // little-endian form.
        fill(tensor, () -> TensorMemory.view(tensor).asFloatBuffer().put(column.floats()));
        return tensor;
      }
      case INT64: {
        TInt64 tensor = TInt64.tensorOf(shape);
        fill(tensor, () -> TensorMemory.view(tensor).asLongBuffer().put(column.longs()));
        return tensor;
      }
      case BYTES:
        return TString.tensorOfBytes(shape, DataBuffers.ofObjects(byteStrings(column)));
      default:
        throw new IllegalArgumentException("no tensor type for " + column.dtype());
    }
  }

  /** Runs {@code copy} into a fresh tensor, closing the tensor if the copy fails. */
  private static void fill(Tensor tensor, Runnable copy) {
    boolean complete = false;
    try {
      copy.run();
      complete = true;
    } finally {
      if (!complete) {
        tensor.close();
      }
    }
  }

  private static long[] denseShape(Column column) {
    List<Integer> rowShape = column.rowShape();
    long[] shape = new long[rowShape.size() + 1];
    shape[0] = column.rows();
    for (int i = 0; i < rowShape.size(); i++) {
      shape[i + 1] = rowShape.get(i);
    }
    return shape;
  }

  private static byte[][] byteStrings(Column column) {
    if (column.dtype() != DType.BYTES) {
      throw new IllegalArgumentException("feature '" + column.name() + "' is not bytes");
    }
    ByteBuffer values = column.values();
    IntBuffer offsets = column.valueOffsets();
    byte[][] strings = new byte[column.valueCount()][];
    for (int i = 0; i < strings.length; i++) {
      int start = offsets.get(i);
      strings[i] = new byte[offsets.get(i + 1) - start];
      values.get(start, strings[i]);
    }
    return strings;
  }
}
