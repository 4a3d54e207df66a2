package dev.ingest.arrow;

import dev.ingest.Batch;
import dev.ingest.Column;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import dev.ingest.spi.RowFileWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;

/**
 * Writes one Arrow IPC file of rows: the schema first, one record batch per {@link #write}, the
 * footer (which lists where each batch is) on {@link #finish()}. A file without its footer is no
 * Arrow file at all, so a writer closed before {@link #finish()} (a crash, a failed write) leaves
 * one that every reader, ours included, refuses.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * Confined to one thread. Owns an Arrow allocator, the vectors of one record batch (reused from
 * batch to batch) and the file's channel, all given back by {@link #close()}.
 */
final class ArrowRowFileWriter implements RowFileWriter {
  private final Path file;
  private final ExampleSpec spec;
  private final FileChannel channel;
  private final BufferAllocator allocator;
  private final VectorSchemaRoot root;
  private final ArrowFileWriter arrow;
  private final IntVector sourceFiles;
  private final BigIntVector records;
  private final BigIntVector offsets;
  private long rows;
  private boolean finished;
  private boolean closed;

  private ArrowRowFileWriter(Path file, ExampleSpec spec, FileChannel channel,
      BufferAllocator allocator, VectorSchemaRoot root) {
    this.file = file;
    this.spec = spec;
    this.channel = channel;
    this.allocator = allocator;
    this.root = root;
    this.arrow = new ArrowFileWriter(root, null, channel);
    int features = spec.features().size();
    this.sourceFiles = (IntVector) root.getVector(features);
    this.records = (BigIntVector) root.getVector(features + 1);
    this.offsets = (BigIntVector) root.getVector(features + 2);
  }

  /**
   * Creates (or truncates) {@code file} and writes its schema.
   *
   * @throws IllegalArgumentException if {@code spec} cannot be written (see {@link
   *     ArrowRowSchema#of})
   */
  static ArrowRowFileWriter create(Path file, ExampleSpec spec) throws IOException {
    var schema = ArrowRowSchema.of(spec);
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    BufferAllocator allocator = null;
    VectorSchemaRoot root = null;
    try {
      allocator = new RootAllocator();
      root = VectorSchemaRoot.create(schema, allocator);
      ArrowRowFileWriter writer = new ArrowRowFileWriter(file, spec, channel, allocator, root);
      writer.arrow.start();
      return writer;
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel, root, allocator, e);
      if (e instanceof IOException io) {
        throw new IOException("cannot start row file " + file + ": " + io.getMessage(), io);
      }
      throw e;
    }
  }

  @Override
  public void write(Batch chunk, int rows, int[] sourceFiles, long[] records, long[] offsets)
      throws IOException {
    if (finished || closed) {
      throw new IllegalStateException("row file " + file + " is already "
          + (closed ? "closed" : "finished"));
    }
    checkChunk(chunk, rows, sourceFiles, records, offsets);
    List<Column> columns = chunk.columns();
    for (int i = 0; i < columns.size(); i++) {
      ColumnToVector.copy(columns.get(i), rows, root.getVector(i));
    }
    this.sourceFiles.allocateNew(rows);
    this.records.allocateNew(rows);
    this.offsets.allocateNew(rows);
    for (int row = 0; row < rows; row++) {
      this.sourceFiles.set(row, sourceFiles[row]);
      this.records.set(row, records[row]);
      this.offsets.set(row, offsets[row]);
    }
    root.setRowCount(rows);
    try {
      arrow.writeBatch();
    } catch (IOException e) {
      throw new IOException("cannot write to row file " + file + ": " + e.getMessage(), e);
    }
    this.rows += rows;
  }

  private void checkChunk(Batch chunk, int rows, int[] sourceFiles, long[] records, long[] offsets) {
    if (rows < 0 || rows > chunk.rows()) {
      throw new IllegalArgumentException(
          "cannot write " + rows + " rows of a chunk of " + chunk.rows());
    }
    if (sourceFiles.length < rows || records.length < rows || offsets.length < rows) {
      throw new IllegalArgumentException("origins of " + rows + " rows needed, got "
          + sourceFiles.length + " source files, " + records.length + " records and "
          + offsets.length + " offsets");
    }
    List<Column> columns = chunk.columns();
    List<FeatureSpec> features = spec.features();
    if (columns.size() != features.size()) {
      throw new IllegalArgumentException("the chunk has " + columns.size()
          + " columns, the row file's features are " + features.size());
    }
    for (int i = 0; i < columns.size(); i++) {
      Column column = columns.get(i);
      FeatureSpec feature = features.get(i);
      if (!column.name().equals(feature.name()) || column.dtype() != feature.dtype()
          || column.ragged() != feature.varLen()
          || (!feature.varLen() && !column.rowShape().equals(feature.shape()))) {
        throw new IllegalArgumentException("column '" + column.name() + "' ("
            + column.dtype().wireName() + (column.ragged() ? ", ragged" : " " + column.rowShape())
            + ") is not the row file's feature " + feature + " (chunks are unpadded)");
      }
    }
  }

  @Override
  public long rows() {
    return rows;
  }

  @Override
  public void finish() throws IOException {
    if (closed) {
      throw new IllegalStateException("row file " + file + " is already closed");
    }
    if (finished) {
      return;
    }
    try {
      arrow.end();
      channel.force(true);
    } catch (IOException e) {
      throw new IOException("cannot finish row file " + file + ": " + e.getMessage(), e);
    }
    finished = true;
  }

  /**
   * Closes the channel and gives back every buffer. Arrow's own writer is not closed: its close
   * would write the footer, and a file that was never finished must stay without one.
   *
   * @throws IllegalStateException if Arrow's allocator still holds memory (a leak)
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      channel.close();
    } finally {
      root.close();
      allocator.close();
    }
  }

  private static void closeQuietly(
      FileChannel channel, VectorSchemaRoot root, BufferAllocator allocator, Exception failure) {
    try {
      channel.close();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
    if (root != null) {
      root.close();
    }
    if (allocator != null) {
      allocator.close();
    }
  }
}
