package dev.ingest.spi;

import dev.ingest.ExampleSpec;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A columnar file format for a cache of parsed rows ({@code cache} listed after {@code
 * parse_example}, kept in files). The runtime finds it with {@link java.util.ServiceLoader}, so
 * that neither the API nor the runtime depends on the format's library; {@code ingest-arrow}
 * provides Apache Arrow's IPC file format, which pyarrow, Spark and DuckDB read.
 *
 * <p>A file holds rows of one {@link ExampleSpec} (unpadded: fixed features in their shape,
 * var-len features ragged, bytes as byte strings), each with its origin: the index of its source
 * file in the cache's list of source files, its record's index in that file, and the record's
 * byte offset there.
 */
public interface RowFileFormat {

  /** The format's name, as manifests and docs write it, such as {@code arrow-ipc}. */
  String name();

  /** The file name suffix, dot included, such as {@code .arrow}. */
  String extension();

  /** Starts a new file of rows of {@code features}; the caller owns the writer and closes it. */
  RowFileWriter create(Path file, ExampleSpec features) throws IOException;

  /**
   * Opens a file this format wrote; the caller owns the reader and closes it.
   *
   * @throws IOException naming the file, if it is not a whole file of this format
   */
  RowFileReader open(Path file) throws IOException;
}
