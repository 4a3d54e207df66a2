package dev.ingest.runtime.read;

import dev.ingest.spi.ReadAhead;
import dev.ingest.tfrecord.StoragePaths;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Reads a span of a shard at once. A local file is mapped into memory at its first span and a
 * span is one copy from the mapping: from the page cache that costs a few hundred nanoseconds
 * and the bytes, where a positional read costs a system call of several microseconds, which for
 * records of a KiB read in a random order made reading several times slower than the copy. A
 * local file too large for one mapping ({@code int} offsets) is read with a positional read of
 * its {@link FileChannel} instead, kept open until {@link #close()}. A file in an object store
 * gets a channel per span, asked to fetch the span as one block (see {@link #readAheadFor}) and
 * closed after it, so that nothing past the span is fetched and the store's own retries cover
 * the span.
 *
 * <p>The file's size is read when it is mapped: a file that was cut short before reads short (a
 * truncated record); one cut short while mapped faults on the copy, an {@link IOException} here.
 * A mapping ends when the garbage collector frees it, not at {@link #close()} (Java unmaps no
 * sooner); it holds address space, not memory, as its pages are the page cache's.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * {@link #read} may be called from any number of threads at once (copies from a mapping and
 * positional reads change no shared position). {@link #close()} closes the channels kept; it is
 * for the owner once no read is running (its threads joined).
 */
final class SpanChannels implements AutoCloseable {
  private final IndexedShards shards;
  /** Local files up to this size are mapped; larger ones are read with positional reads. */
  static final long MAX_MAPPED_BYTES = Integer.MAX_VALUE;

  private final AtomicReferenceArray<LocalFile> localFiles;
  private final boolean[] local;
  private final AtomicLong reads = new AtomicLong();

  /** Local files larger than this are read with positional reads instead of being mapped. */
  private final long maxMappedBytes;

  SpanChannels(IndexedShards shards) {
    this(shards, MAX_MAPPED_BYTES);
  }

  /** With positional reads for local files above {@code maxMappedBytes}, as tests need. */
  SpanChannels(IndexedShards shards, long maxMappedBytes) {
    this.shards = shards;
    this.maxMappedBytes = Math.min(maxMappedBytes, MAX_MAPPED_BYTES);
    this.localFiles = new AtomicReferenceArray<>(shards.fileCount());
    this.local = new boolean[shards.fileCount()];
    for (int f = 0; f < local.length; f++) {
      local[f] = StoragePaths.isLocal(shards.file(f));
    }
  }

  /** Whether every file is on local disk (spans are then copies, not requests). */
  boolean allLocal() {
    for (boolean isLocal : local) {
      if (!isLocal) {
        return false;
      }
    }
    return true;
  }

  /**
   * Reads {@code length} bytes of file {@code fileIndex} from byte {@code position} into {@code
   * into} from its index {@code index}. Leaves {@code into}'s position and limit as they are, so
   * that threads may read into one buffer's distinct parts at once.
   *
   * @return the bytes read: {@code length}, or fewer where the file ends first
   */
  int read(int fileIndex, ByteBuffer into, int index, long position, int length)
      throws IOException {
    reads.incrementAndGet();
    if (!local[fileIndex]) {
      try (SeekableByteChannel channel =
          StoragePaths.openForReading(shards.file(fileIndex), readAheadFor(length), position)) {
        return readFully(channel, region(into, index, length));
      }
    }
    LocalFile file = localFile(fileIndex);
    if (file.mapping == null) {
      ByteBuffer target = region(into, index, length);
      int total = 0;
      while (target.hasRemaining()) {
        int read = file.channel.read(target, position + total);
        if (read < 0) {
          break;
        }
        total += read;
      }
      return total;
    }
    int available = (int) Math.max(0, Math.min(length, file.mapping.capacity() - position));
    if (available > 0) {
      try {
        into.put(index, file.mapping, (int) position, available);
      } catch (InternalError fault) {
        // The JVM's answer to a fault in a mapping: the file was cut short under it.
        throw new IOException(shards.file(fileIndex) + " changed while it was read (bytes "
            + position + " to " + (position + available) + " are gone)", fault);
      }
    }
    return available;
  }

  private static ByteBuffer region(ByteBuffer buffer, int index, int length) {
    return buffer.duplicate().limit(index + length).position(index);
  }

  private static int readFully(SeekableByteChannel channel, ByteBuffer target)
      throws IOException {
    int total = 0;
    while (target.hasRemaining()) {
      int read = channel.read(target);
      if (read < 0) {
        break;
      }
      total += read;
    }
    return total;
  }

  /**
   * A store's read-ahead for one span: the span as one block (a single ranged request), or two
   * blocks in flight where a span is larger than the largest block.
   */
  static ReadAhead readAheadFor(int spanBytes) {
    int block = Math.max(ReadAhead.MIN_BLOCK_BYTES, Math.min(spanBytes, ReadAhead.MAX_BLOCK_BYTES));
    return new ReadAhead(block, spanBytes > ReadAhead.MAX_BLOCK_BYTES ? 2 : 1);
  }

  private LocalFile localFile(int fileIndex) throws IOException {
    LocalFile file = localFiles.get(fileIndex);
    if (file != null) {
      return file;
    }
    LocalFile opened = LocalFile.open(shards.file(fileIndex), maxMappedBytes);
    if (localFiles.compareAndSet(fileIndex, null, opened)) {
      return opened;
    }
    opened.close(); // another thread opened it first
    return localFiles.get(fileIndex);
  }

  /** A local file, mapped whole, or (too large to map) its channel. */
  private record LocalFile(MappedByteBuffer mapping, FileChannel channel) {
    static LocalFile open(Path path, long maxMappedBytes) throws IOException {
      FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
      try {
        long size = channel.size();
        if (size > maxMappedBytes) {
          return new LocalFile(null, channel);
        }
        MappedByteBuffer mapping = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        channel.close(); // the mapping stays valid without it
        return new LocalFile(mapping, null);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    }

    void close() throws IOException {
      if (channel != null) {
        channel.close();
      }
    }
  }

  /** Reads made so far, one per span. */
  long reads() {
    return reads.get();
  }

  @Override
  public void close() throws IOException {
    IOException failure = null;
    for (int f = 0; f < localFiles.length(); f++) {
      LocalFile file = localFiles.getAndSet(f, null);
      if (file == null) {
        continue;
      }
      try {
        file.close();
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
