package dev.ingest.arrow;

import dev.ingest.ExampleSpec;
import dev.ingest.spi.RowFileFormat;
import dev.ingest.spi.RowFileReader;
import dev.ingest.spi.RowFileWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.apache.arrow.memory.util.MemoryUtil;

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

  /**
   * The JVM flag Arrow's memory needs on Java 17 and later when it runs on the class path (on the
   * module path: {@code --add-opens=java.base/java.nio=org.apache.arrow.memory.core}).
   */
  public static final String ADD_OPENS = "--add-opens=java.base/java.nio=ALL-UNNAMED";

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
   * @throws IllegalStateException if the JVM was started without the {@code --add-opens} flag
   *     Arrow needs (see {@link #ADD_OPENS})
   * @throws IllegalArgumentException if a feature of {@code features} is named like one of the
   *     origin columns ({@code _source_file}, {@code _record}, {@code _offset}); nothing is created
   */
  @Override
  public RowFileWriter create(Path file, ExampleSpec features) throws IOException {
    requireNioOpenToArrow();
    return ArrowRowFileWriter.create(file, features);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException if the JVM was started without the {@code --add-opens} flag
   *     Arrow needs (see {@link #ADD_OPENS})
   */
  @Override
  public RowFileReader open(Path file) throws IOException {
    requireNioOpenToArrow();
    return ArrowRowFileReader.open(file);
  }

  /**
   * Without the flag Arrow starts, then fails at its first copy from a {@link ByteBuffer}, deep in
   * a write, with a message that names neither the flag nor the row cache: say both up front.
   */
  private static void requireNioOpenToArrow() {
    try {
      MemoryUtil.getByteBufferAddress(ByteBuffer.allocateDirect(1));
    } catch (UnsupportedOperationException e) {
      throw new IllegalStateException("the row cache's Arrow files need the JVM flag " + ADD_OPENS
          + " (Arrow reads java.nio.Buffer's address field); the ./ingest launcher passes it, an"
          + " application that embeds ingest must add it to its java command line", e);
    }
  }
}
