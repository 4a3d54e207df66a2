package dev.ingest.arrow;

import dev.ingest.Batch;
import dev.ingest.Column;
import java.util.List;

/**
 * The rows of the record batch a {@link ArrowRowFileReader} read last, as a {@link Batch}. The
 * reader owns it and its memory, and reloads the same object (and the same column buffers) on
 * each {@code next()}, so a chunk costs no allocation once the buffers are large enough.
 *
 * <h2>Ownership</h2>
 *
 * Reference counts are kept as {@link Batch} says, so that code written for batches runs on a
 * chunk unchanged, but the last release frees nothing: the memory is the reader's until its next
 * {@code next()} or {@code close()}. Each load starts again at one reference.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * Loaded by the reader's thread; readable by any thread it is handed to through a happens-before
 * edge, until the reader moves on. Not for concurrent retain and release (the reader is confined
 * to one thread, and so is its chunk).
 */
final class ArrowChunk implements Batch {
  private final List<ChunkColumn> chunkColumns;
  private final List<Column> columns;
  private int rows;
  private int references;

  ArrowChunk(List<ChunkColumn> columns) {
    this.chunkColumns = List.copyOf(columns);
    this.columns = List.copyOf(columns);
  }

  /** Starts a new chunk of {@code rows} rows; the caller then loads every column. */
  void reset(int rows) {
    this.rows = rows;
    this.references = 1;
  }

  List<ChunkColumn> chunkColumns() {
    return chunkColumns;
  }

  @Override
  public int rows() {
    return rows;
  }

  @Override
  public List<Column> columns() {
    return columns;
  }

  @Override
  public Column column(String name) {
    for (Column column : columns) {
      if (column.name().equals(name)) {
        return column;
      }
    }
    throw new IllegalArgumentException("the chunk has no feature '" + name + "'");
  }

  @Override
  public Batch retain() {
    if (references == 0) {
      throw new IllegalStateException("the chunk has been released");
    }
    references++;
    return this;
  }

  @Override
  public boolean release() {
    if (references == 0) {
      throw new IllegalStateException("the chunk has been released more often than retained");
    }
    references--;
    return references == 0;
  }

  @Override
  public int refCnt() {
    return references;
  }

  @Override
  public void close() {
    release();
  }
}
