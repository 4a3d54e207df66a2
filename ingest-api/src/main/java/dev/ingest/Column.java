package dev.ingest;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.List;

/**
 * One feature of a {@link Batch}, stored column-wise off-heap, ready to hand to a tensor.
 *
 * <pre>
 *   fixed float32 [3], 2 rows     values:  f00 f01 f02 | f10 f11 f12
 *   var_len int64, 3 rows         values:  a b | (empty) | c d e      rowSplits: 0 2 2 5
 *   bytes [], 2 rows              values:  "cat" "horse"  (bytes back to back)
 *                                 valueOffsets: 0 3 8
 * </pre>
 *
 * <ul>
 *   <li>{@link #values()}: the values, little-endian, starting at a 64-byte aligned address (as
 *       TensorFlow's C core wants, to avoid its own copy). For {@link DType#BYTES} the bytes of
 *       every value back to back, with {@link #valueOffsets()} marking where each begins.
 *   <li>{@link #rowSplits()}: for ragged columns, {@code rows() + 1} indexes into the values: row
 *       {@code r} holds values {@code [rowSplits[r], rowSplits[r + 1])} (a {@code tf.RaggedTensor}'s
 *       row splits).
 * </ul>
 *
 * <h2>Ownership</h2>
 *
 * A column belongs to its batch. Every buffer it returns is a read-only view of the batch's
 * memory, valid until the batch is released for the last time; reading one after that is
 * undefined (the memory is back in the pool). Copy what must outlive the batch.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * A column never changes once its batch is handed out, so any thread that received the batch
 * through a happens-before edge (the iterator, a queue, a lock) may read it. Each call returns a
 * new view with its own position and limit: views are not shared between callers.
 */
public interface Column {

  /** The feature's name. */
  String name();

  /** The values' type. */
  DType dtype();

  /** The shape of one row: the fixed (or padded) shape; empty for scalars and ragged columns. */
  List<Integer> rowShape();

  /** True when rows have different lengths and {@link #rowSplits()} says where each begins. */
  boolean ragged();

  /** Rows in the batch. */
  int rows();

  /** Values over all rows (for {@link DType#BYTES}, byte strings, not bytes). */
  int valueCount();

  /** Number of values in {@code row}. */
  int rowLength(int row);

  /** The raw values, little-endian, 64-byte aligned (see the class comment). */
  ByteBuffer values();

  /** The values of a {@link DType#FLOAT32} column. */
  FloatBuffer floats();

  /** The values of an {@link DType#INT64} column. */
  LongBuffer longs();

  /** {@code rows() + 1} row splits of a ragged column; throws for a fixed one. */
  LongBuffer rowSplits();

  /** {@code valueCount() + 1} offsets into {@link #values()} of a {@link DType#BYTES} column. */
  IntBuffer valueOffsets();

  /** The {@code index}-th byte string of {@code row} of a {@link DType#BYTES} column. */
  ByteBuffer bytes(int row, int index);
}
