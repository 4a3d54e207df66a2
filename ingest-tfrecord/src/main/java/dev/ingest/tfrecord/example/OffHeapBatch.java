package dev.ingest.tfrecord.example;

import dev.ingest.Batch;
import dev.ingest.Column;
import dev.ingest.DType;
import dev.ingest.MutableBatch;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import io.netty.util.AbstractReferenceCounted;
import java.util.List;

/**
 * A {@link Batch} whose columns live in pooled direct memory; the last release gives every
 * column's buffers back. Reference counting is Netty's (atomic; see {@link Batch}).
 */
final class OffHeapBatch extends AbstractReferenceCounted implements MutableBatch {
  private final int rows;
  private final List<OffHeapColumn> columns;

  OffHeapBatch(int rows, List<OffHeapColumn> columns) {
    this.rows = rows;
    this.columns = List.copyOf(columns);
  }

  @Override
  public int rows() {
    return rows;
  }

  @Override
  public List<Column> columns() {
    ensureLive();
    return List.copyOf(columns);
  }

  @Override
  public Column column(String name) {
    return offHeapColumn(name);
  }

  /** Columns in ascending order of name, as built (no copy). */
  List<OffHeapColumn> offHeapColumns() {
    return columns;
  }

  OffHeapColumn offHeapColumn(String name) {
    ensureLive();
    for (OffHeapColumn column : columns) {
      if (column.name().equals(name)) {
        return column;
      }
    }
    throw new IllegalArgumentException("the batch has no feature '" + name + "'");
  }

  @Override
  public FloatBuffer mutableFloats(String name) {
    return writable(name, DType.FLOAT32).asFloatBuffer();
  }

  @Override
  public LongBuffer mutableLongs(String name) {
    return writable(name, DType.INT64).asLongBuffer();
  }

  private java.nio.ByteBuffer writable(String name, DType dtype) {
    OffHeapColumn column = offHeapColumn(name);
    if (column.dtype() != dtype) {
      throw new IllegalStateException("feature '" + name + "' is " + column.dtype().wireName()
          + ", not " + dtype.wireName());
    }
    return column.writableValues();
  }

  @Override
  public OffHeapBatch retain() {
    super.retain();
    return this;
  }

  @Override
  public OffHeapBatch touch(Object hint) {
    return this;
  }

  @Override
  public void close() {
    release();
  }

  @Override
  protected void deallocate() {
    for (OffHeapColumn column : columns) {
      column.release();
    }
  }

  private void ensureLive() {
    if (refCnt() == 0) {
      throw new IllegalStateException("the batch has been released");
    }
  }
}
