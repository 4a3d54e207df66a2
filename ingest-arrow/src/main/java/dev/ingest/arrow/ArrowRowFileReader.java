package dev.ingest.arrow;

import dev.ingest.Batch;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import dev.ingest.spi.RowFileReader;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.MessageMetadataResult;
import org.apache.arrow.vector.ipc.message.MessageSerializer;

/**
 * Reads an Arrow IPC file of rows back with Arrow's {@link ArrowFileReader}: the footer on open
 * (the schema, and where each record batch is), then one record batch per {@link #next()},
 * copied into the reader's {@link ArrowChunk}. The rows of the whole file are counted on open from
 * each record batch's header alone (its {@code length}), without loading any batch's data.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * Confined to one thread. Owns an Arrow allocator, the vectors of one record batch, the chunk's
 * buffers and the file's channel, all given back by {@link #close()}. A file that is not Arrow,
 * has lost its end (its footer) or whose schema is not a row file's is refused on open; a record
 * batch that cannot be read fails {@link #next()}; either way with an {@link IOException} naming
 * the file.
 */
final class ArrowRowFileReader implements RowFileReader {
  private final Path file;
  private final BufferAllocator allocator;
  private final ArrowFileReader arrow;
  private final VectorSchemaRoot root;
  private final ExampleSpec spec;
  private final List<ArrowBlock> blocks;
  private final long rows;
  private final ArrowChunk chunk;
  private final IntVector sourceFiles;
  private final BigIntVector records;
  private final BigIntVector offsets;
  private int nextBlock;
  private boolean loaded;
  private boolean closed;

  private ArrowRowFileReader(Path file, BufferAllocator allocator, ArrowFileReader arrow,
      FileChannel channel) throws IOException {
    this.file = file;
    this.allocator = allocator;
    this.arrow = arrow;
    this.root = arrow.getVectorSchemaRoot();
    this.spec = ArrowRowSchema.features(root.getSchema());
    this.blocks = List.copyOf(arrow.getRecordBlocks());
    this.rows = countRows(channel, blocks);
    List<ChunkColumn> columns = new ArrayList<>();
    for (FeatureSpec feature : spec.features()) {
      columns.add(new ChunkColumn(feature));
    }
    this.chunk = new ArrowChunk(columns);
    int features = spec.features().size();
    this.sourceFiles = (IntVector) root.getVector(features);
    this.records = (BigIntVector) root.getVector(features + 1);
    this.offsets = (BigIntVector) root.getVector(features + 2);
  }

  /**
   * Opens {@code file} and reads its footer and schema.
   *
   * @throws IOException naming the file, if it is not a whole row file in Arrow's IPC format
   */
  static ArrowRowFileReader open(Path file) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    BufferAllocator allocator;
    try {
      allocator = new RootAllocator();
    } catch (RuntimeException | Error e) {
      channel.close();
      throw e;
    }
    ArrowFileReader arrow = new ArrowFileReader(channel, allocator);
    try {
      return new ArrowRowFileReader(file, allocator, arrow, channel);
    } catch (IOException | RuntimeException e) {
      try {
        arrow.close();
      } catch (IOException | RuntimeException closing) {
        e.addSuppressed(closing);
      }
      allocator.close();
      throw new IOException(file + " is not a whole row file in Arrow's IPC file format: "
          + e.getMessage(), e);
    }
  }

  /** Sums the {@code length} of each record batch's header, read alone at its block's offset. */
  private static long countRows(FileChannel channel, List<ArrowBlock> blocks) throws IOException {
    long total = 0;
    for (ArrowBlock block : blocks) {
      ByteBuffer metadata = ByteBuffer.allocate(block.getMetadataLength());
      long position = block.getOffset();
      while (metadata.hasRemaining()) {
        if (channel.read(metadata, position + metadata.position()) < 0) {
          throw new EOFException("record batch at offset " + block.getOffset()
              + " ends past the end of the file");
        }
      }
      MessageMetadataResult message = MessageSerializer.readMessage(new ReadChannel(
          Channels.newChannel(new ByteArrayInputStream(metadata.array()))));
      if (message == null || message.headerType() != MessageHeader.RecordBatch) {
        throw new IOException("block at offset " + block.getOffset() + " is not a record batch");
      }
      long length = ((RecordBatch) message.getMessage().header(new RecordBatch())).length();
      if (length < 0 || length > Integer.MAX_VALUE) {
        throw new IOException("record batch at offset " + block.getOffset() + " has "
            + length + " rows");
      }
      total += length;
    }
    return total;
  }

  @Override
  public ExampleSpec features() {
    return spec;
  }

  @Override
  public long rows() {
    return rows;
  }

  @Override
  public boolean next() throws IOException {
    if (closed) {
      throw new IllegalStateException("row file " + file + " is closed");
    }
    loaded = false;
    if (nextBlock == blocks.size()) {
      return false;
    }
    int index = nextBlock++;
    try {
      if (!arrow.loadRecordBatch(blocks.get(index))) {
        throw new EOFException("record batch " + index + " is missing");
      }
      int chunkRows = root.getRowCount();
      chunk.reset(chunkRows);
      List<ChunkColumn> columns = chunk.chunkColumns();
      for (int i = 0; i < columns.size(); i++) {
        columns.get(i).load(root.getVector(i), chunkRows);
      }
    } catch (IOException | RuntimeException e) {
      throw new IOException("cannot read chunk " + index + " of row file " + file + ": "
          + e.getMessage(), e);
    }
    loaded = true;
    return true;
  }

  @Override
  public Batch chunk() {
    requireChunk();
    return chunk;
  }

  @Override
  public int sourceFile(int row) {
    requireChunk();
    return sourceFiles.get(Objects.checkIndex(row, chunk.rows()));
  }

  @Override
  public long record(int row) {
    requireChunk();
    return records.get(Objects.checkIndex(row, chunk.rows()));
  }

  @Override
  public long offset(int row) {
    requireChunk();
    return offsets.get(Objects.checkIndex(row, chunk.rows()));
  }

  private void requireChunk() {
    if (!loaded) {
      throw new IllegalStateException("no chunk: call next() first, and only while it is true");
    }
  }

  /**
   * Closes the file and gives back every buffer.
   *
   * @throws IllegalStateException if Arrow's allocator still holds memory (a leak)
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    loaded = false;
    try {
      arrow.close();
    } finally {
      allocator.close();
    }
  }
}
