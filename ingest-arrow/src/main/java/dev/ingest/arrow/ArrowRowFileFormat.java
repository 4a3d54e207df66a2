package dev.ingest.arrow;

import dev.ingest.ExampleSpec;
import dev.ingest.spi.RowFileFormat;
import dev.ingest.spi.RowFileReader;
import dev.ingest.spi.RowFileWriter;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Apache Arrow's IPC file format ("Feather v2") for row cache files: one record batch per
 * chunk written, the schema of {@link ArrowRowSchema}, no compression (so that a reader can map
 * the buffers as they are). pyarrow ({@code pyarrow.ipc.open_file}), DuckDB, Spark and Arrow's
 * own libraries read these files; docs/arrow-cache-files.md shows how.
 *
 * <p>Found by the runtime through {@link java.util.ServiceLoader}. Stateless and thread-safe; the
 * writers and readers it makes are confined to one thread each.
 */
public final class ArrowRowFileFormat implements RowFileFormat {
  /** The name manifests write. */
  public static final String NAME = "arrow-ipc";
  /** The file name suffix pyarrow and DuckDB expect. */
  public static final String EXTENSION = ".arrow";

  /** For {@link java.util.ServiceLoader}. */
  public ArrowRowFileFormat() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String extension() {
    return EXTENSION;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if a feature of {@code features} is named like one of the
   *     origin columns ({@code _source_file}, {@code _record}, {@code _offset}); nothing is created
   */
  @Override
  public RowFileWriter create(Path file, ExampleSpec features) throws IOException {
    return ArrowRowFileWriter.create(file, features);
  }

  @Override
  public RowFileReader open(Path file) throws IOException {
    return ArrowRowFileReader.open(file);
  }
}
