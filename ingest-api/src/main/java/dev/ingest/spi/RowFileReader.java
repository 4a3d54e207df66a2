package dev.ingest.spi;

import dev.ingest.Batch;
import dev.ingest.ExampleSpec;
import java.io.Closeable;
import java.io.IOException;

/**
 * Reads a file of a {@link RowFileFormat} back, chunk by chunk, in the order it was written.
 * Confined to one thread.
 */
public interface RowFileReader extends Closeable {

  /** The features the file's rows have, as the writer was given them. */
  ExampleSpec features();

  /** Rows in the whole file. */
  long rows();

  /**
   * Moves to the next chunk; false after the last. The chunk's rows and origins are valid until
   * the next call or {@link #close()}.
   *
   * @throws IOException naming the file, if a chunk cannot be read
   */
  boolean next() throws IOException;

  /**
   * The current chunk's rows: columns in {@link Batch}'s order, unpadded, read as the {@link
   * dev.ingest.Column} contract says (values little-endian; row splits for var-len features;
   * value offsets for bytes). Owned by the reader: do not release it.
   */
  Batch chunk();

  /** The index of row {@code row}'s source file in the cache's list of source files. */
  int sourceFile(int row);

  /** The index of row {@code row}'s record in its source file. */
  long record(int row);

  /** The byte offset of row {@code row}'s record in its (decompressed) source file. */
  long offset(int row);
}
