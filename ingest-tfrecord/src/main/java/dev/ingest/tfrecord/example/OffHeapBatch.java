package dev.ingest.tfrecord.example;

import dev.ingest.Batch;
import dev.ingest.Column;
import io.netty.util.AbstractReferenceCounted;
import java.util.List;

/**
 * A {@link Batch} whose columns live in pooled direct memory; the last release gives every
 * column's buffers back. Reference counting is Netty's (atomic; see {@link Batch}).
 */
final class OffHeapBatch extends AbstractReferenceCounted implements Batch {
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
    ensureLive();
    for (OffHeapColumn column : columns) {
      if (column.name().equals(name)) {
        return column;
      }
    }
    throw new IllegalArgumentException("the batch has no feature '" + name + "'");
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
