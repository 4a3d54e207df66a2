package dev.ingest.tfrecord.example;

import io.netty.buffer.ByteBuf;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The serialized records of one batch, with where each came from: the unit of work a parse
 * worker takes. Holds references only (a record is {@code length} bytes of a buffer from {@code
 * start}); nothing is copied and nothing allocated per record once the arrays have grown to the
 * batch size, so one instance is reused batch after batch.
 *
 * <p>Does not own the buffers: the caller keeps them valid (retained) until the batch is parsed.
 * Confined to one thread at a time.
 */
public final class SerializedRecords {
  private ByteBuf[] buffers;
  private int[] starts;
  private int[] lengths;
  private Path[] files;
  private long[] offsets;
  private long[] indices;
  private int size;

  public SerializedRecords(int expectedSize) {
    int capacity = Math.max(expectedSize, 1);
    buffers = new ByteBuf[capacity];
    starts = new int[capacity];
    lengths = new int[capacity];
    files = new Path[capacity];
    offsets = new long[capacity];
    indices = new long[capacity];
  }

  /**
   * Adds a record: {@code length} bytes of {@code buffer} from {@code start}, read from {@code
   * file} (may be {@code null}) at byte {@code offset}, the {@code index}-th record there.
   */
  public void add(ByteBuf buffer, int start, int length, Path file, long offset, long index) {
    if (size == buffers.length) {
      int capacity = size * 2;
      buffers = Arrays.copyOf(buffers, capacity);
      starts = Arrays.copyOf(starts, capacity);
      lengths = Arrays.copyOf(lengths, capacity);
      files = Arrays.copyOf(files, capacity);
      offsets = Arrays.copyOf(offsets, capacity);
      indices = Arrays.copyOf(indices, capacity);
    }
    buffers[size] = buffer;
    starts[size] = start;
    lengths[size] = length;
    files[size] = file;
    offsets[size] = offset;
    indices[size] = index;
    size++;
  }

  /** Adds a record that is all of {@code buffer}'s readable bytes, with no known origin. */
  public void add(ByteBuf buffer) {
    add(buffer, buffer.readerIndex(), buffer.readableBytes(), null, -1, size);
  }

  /** Forgets every record (and the references to their buffers). */
  public void clear() {
    Arrays.fill(buffers, 0, size, null);
    Arrays.fill(files, 0, size, null);
    size = 0;
  }

  public int size() {
    return size;
  }

  public ByteBuf buffer(int record) {
    return buffers[record];
  }

  public int start(int record) {
    return starts[record];
  }

  public int length(int record) {
    return lengths[record];
  }

  public Path file(int record) {
    return files[record];
  }

  public long offset(int record) {
    return offsets[record];
  }

  public long index(int record) {
    return indices[record];
  }
}
