package dev.ingest.spi;

import dev.ingest.Batch;
import java.io.Closeable;
import java.io.IOException;

/**
 * Writes rows into one file of a {@link RowFileFormat}, chunk by chunk, in the order given.
 * Confined to one thread. A file is whole only once {@link #finish()} returned; {@link #close()}
 * without it leaves a file no reader accepts (the caller deletes it).
 */
public interface RowFileWriter extends Closeable {

  /**
   * Appends the first {@code rows} rows of {@code chunk}, whose columns are the writer's features
   * (in {@link Batch}'s order, unpadded), with row {@code r}'s origin in {@code sourceFiles[r]},
   * {@code records[r]} and {@code offsets[r]}. The writer copies what it keeps: the chunk may be
   * released when this returns.
   */
  void write(Batch chunk, int rows, int[] sourceFiles, long[] records, long[] offsets)
      throws IOException;

  /** Rows written so far. */
  long rows();

  /** Ends the file (its footer) and forces it to the storage device. */
  void finish() throws IOException;

  /** Gives back what the writer holds; the file is whole only if {@link #finish()} returned. */
  @Override
  void close() throws IOException;
}
