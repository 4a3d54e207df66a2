package dev.ingest.tfrecord.example;

import dev.ingest.Batch;
import dev.ingest.DType;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import dev.ingest.MutableBatch;
import dev.ingest.PaddingSpec;
import dev.ingest.tfrecord.DirectMemory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * Fills batches of exactly {@code batchSize} rows from rows of other batches: what a pipeline
 * with a {@code filter} needs, since the records that pass arrive in chunks of any size. Rows are
 * copied (one bulk copy per numeric row, one per byte string) into fresh column buffers, and
 * {@code padded_batch}'s padding is applied here, so the chunks must be unpadded batches of the
 * same {@link ExampleSpec} built by {@link ExampleParser}.
 *
 * <pre>
 *   chunk 0 (kept rows 0 2 3)  chunk 1 (kept 1 4)       batches of 4:  [c0.0 c0.2 c0.3 c1.1]
 *                                                                   [c1.4 ...
 * </pre>
 *
 * <p>Confined to one thread. The batch being filled owns pooled memory: {@link #finish()} hands it
 * over, {@link #abandon()} gives it back.
 */
public final class BatchAssembler {
  private final ColumnBuilder[] builders;
  private final int batchSize;
  private int rows;
  private boolean started;

  public BatchAssembler(ExampleSpec spec, PaddingSpec padding, ByteBufAllocator allocator,
      int batchSize) {
    this(spec, padding, DirectMemory.of(allocator), batchSize);
  }

  /**
   * An assembler whose batches take their column buffers from {@code memory}, which must take
   * calls from any thread (whichever thread releases a batch last frees its columns).
   */
  public BatchAssembler(ExampleSpec spec, PaddingSpec padding, DirectMemory memory,
      int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
    }
    List<FeatureSpec> features = spec.features();
    builders = new ColumnBuilder[features.size()];
    for (int i = 0; i < builders.length; i++) {
      FeatureSpec feature = features.get(i);
      int paddedLength = padding.lengths().getOrDefault(feature.name(), ColumnBuilder.UNPADDED);
      builders[i] = new ColumnBuilder(
          feature, paddedLength, padding.values().get(feature.name()), memory);
    }
    this.batchSize = batchSize;
  }

  /** Rows in the batch being filled. */
  public int rows() {
    return rows;
  }

  public boolean full() {
    return rows == batchSize;
  }

  /** Copies {@code row} of {@code chunk} in as the next row; the batch must not be full. */
  public void append(Batch chunk, int row) {
    if (full()) {
      throw new IllegalStateException("the batch already has its " + batchSize + " rows");
    }
    if (!started) {
      for (ColumnBuilder builder : builders) {
        builder.start(batchSize);
      }
      started = true;
    }
    List<OffHeapColumn> columns = ((OffHeapBatch) chunk).offHeapColumns();
    for (int i = 0; i < builders.length; i++) {
      copyRow(columns.get(i), row, builders[i]);
    }
    rows++;
  }

  /**
   * Copies every row of {@code chunk} in, in order, as {@link #append} would one by one, from any
   * {@link Batch} of the same spec whose columns keep the {@link dev.ingest.Column} contract (such
   * as one read back from a file). The batch must have room for them all.
   */
  public void appendAll(Batch chunk) {
    if (chunk instanceof OffHeapBatch) {
      for (int row = 0; row < chunk.rows(); row++) {
        append(chunk, row);
      }
      return;
    }
    if (rows + chunk.rows() > batchSize) {
      throw new IllegalStateException("the batch has room for " + (batchSize - rows)
          + " rows, not " + chunk.rows());
    }
    if (!started) {
      for (ColumnBuilder builder : builders) {
        builder.start(batchSize);
      }
      started = true;
    }
    List<dev.ingest.Column> columns = chunk.columns();
    for (int i = 0; i < builders.length; i++) {
      copyColumn(columns.get(i), builders[i]);
    }
    rows += chunk.rows();
  }

  /** Copies a whole column, wrapping its views once rather than once per row. */
  private static void copyColumn(dev.ingest.Column column, ColumnBuilder builder) {
    if (!column.name().equals(builder.feature().name())) {
      throw new IllegalArgumentException("column '" + column.name()
          + "' where '" + builder.feature().name() + "' was expected: not the same spec");
    }
    ByteBuf values = io.netty.buffer.Unpooled.wrappedBuffer(column.values());
    java.nio.LongBuffer splits = column.ragged() ? column.rowSplits() : null;
    java.nio.IntBuffer offsets = column.dtype() == DType.BYTES ? column.valueOffsets() : null;
    int width = column.dtype() == DType.BYTES ? 0 : column.dtype().width();
    int next = 0;
    for (int row = 0; row < column.rows(); row++) {
      int first = splits == null ? next : (int) splits.get(row);
      int count = column.rowLength(row);
      next = first + count;
      if (offsets != null) {
        for (int value = first; value < first + count; value++) {
          int start = offsets.get(value);
          builder.addBytes(values, start, offsets.get(value + 1) - start);
        }
      } else {
        builder.addValues(values, first * width, count);
      }
      builder.endRow();
    }
  }

  private static void copyRow(OffHeapColumn column, int row, ColumnBuilder builder) {
    if (!column.name().equals(builder.feature().name())) {
      throw new IllegalArgumentException("chunk column '" + column.name()
          + "' where '" + builder.feature().name() + "' was expected: not the same spec");
    }
    int first = column.firstValue(row);
    int count = column.valuesIn(row);
    ColumnBuffer values = column.valuesBuffer();
    ByteBuf buffer = values.buffer();
    if (column.dtype() == DType.BYTES) {
      for (int value = first; value < first + count; value++) {
        int start = column.byteOffset(value);
        builder.addBytes(buffer, values.base() + start, column.byteOffset(value + 1) - start);
      }
    } else {
      builder.addValues(buffer, values.base() + first * column.dtype().width(), count);
    }
    builder.endRow();
  }

  /**
   * Hands over the batch filled so far (it may have fewer than {@code batchSize} rows, at the end
   * of an epoch); the caller owns it. The next {@link #append} starts a new batch.
   */
  public MutableBatch finish() {
    if (rows == 0) {
      throw new IllegalStateException("no rows to make a batch of");
    }
    List<OffHeapColumn> columns = new ArrayList<>(builders.length);
    boolean done = false;
    try {
      for (ColumnBuilder builder : builders) {
        if (rows < batchSize) {
          builder.endBatchEarly();
        }
        columns.add(builder.finish());
      }
      done = true;
      return new OffHeapBatch(rows, columns);
    } finally {
      if (!done) {
        columns.forEach(OffHeapColumn::release);
      }
      abandon();
    }
  }

  /** Drops the rows filled so far and gives their memory back; safe when there are none. */
  public void abandon() {
    for (ColumnBuilder builder : builders) {
      builder.abandon();
    }
    rows = 0;
    started = false;
  }
}
