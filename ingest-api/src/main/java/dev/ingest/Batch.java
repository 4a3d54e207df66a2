package dev.ingest;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.List;

/**
 * A batch of parsed records: one off-heap {@link Column} per feature, in ascending order of
 * feature name. This is what a pipeline hands to the trainer.
 *
 * <pre>{@code
 * try (Batch batch = iterator.next()) {
 *   FloatBuffer x = batch.floats("features");   // rows * 32 floats, no copy
 *   LongBuffer y = batch.longs("label");
 *   ByteBuffer image = batch.bytes("image", 0); // row 0's bytes, no copy
 * }
 * }</pre>
 *
 * <h2>Ownership</h2>
 *
 * A batch is reference-counted, Netty style: it starts at one reference, owned by whoever
 * received it; {@link #retain()} adds one (for another owner), {@link #release()} and {@link
 * #close()} drop one, and the last drop returns every column's memory to the pool. Every view it
 * returns is valid until then. {@link #close()} is {@link #release()} for try-with-resources;
 * releasing more often than retaining is an {@link IllegalStateException}.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * A batch is immutable once handed out; after a happens-before edge it may be read from any
 * thread, and {@link #retain()}/{@link #release()} are atomic and may race.
 */
public interface Batch extends AutoCloseable {

  /** Rows (records) in the batch. */
  int rows();

  /** The columns, in ascending order of feature name. */
  List<Column> columns();

  /** The column of feature {@code name}; {@link IllegalArgumentException} if there is none. */
  Column column(String name);

  /** The float32 values of feature {@code name}, row-major over all rows. */
  default FloatBuffer floats(String name) {
    return column(name).floats();
  }

  /** The int64 values of feature {@code name}, row-major over all rows. */
  default LongBuffer longs(String name) {
    return column(name).longs();
  }

  /** The first (for a scalar bytes feature, the only) byte string of {@code row}. */
  default ByteBuffer bytes(String name, int row) {
    return column(name).bytes(row, 0);
  }

  /** Off-heap bytes the batch's columns hold: values, row splits and byte-string offsets. */
  default long memoryBytes() {
    long total = 0;
    for (Column column : columns()) {
      total += column.values().capacity();
      if (column.ragged()) {
        total += (column.rows() + 1L) * Long.BYTES;
      }
      if (column.dtype() == DType.BYTES) {
        total += (column.valueCount() + 1L) * Integer.BYTES;
      }
    }
    return total;
  }

  /** Adds a reference: another owner who must release it. Returns this batch. */
  Batch retain();

  /** Drops a reference; returns true when it was the last and the memory went back. */
  boolean release();

  /** References held now; 0 once released. */
  int refCnt();

  /** Drops the caller's reference ({@link #release()}). */
  @Override
  void close();
}
