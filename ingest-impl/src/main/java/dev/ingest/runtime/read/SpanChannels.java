package dev.ingest.runtime.read;

import dev.ingest.spi.ReadAhead;
import dev.ingest.tfrecord.StoragePaths;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Reads a span of a shard with one positional read. A local file has one {@link FileChannel},
 * opened at its first span and kept until {@link #close()}: positional reads of one channel may
 * run on several threads at once, and the kernel reads ahead. A file in an object store gets a
 * channel per span, asked to fetch the span as one block (see {@link #readAheadFor}) and closed
 * after it, so that nothing past the span is fetched and the store's own retries cover the span.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * {@link #read} may be called from any number of threads at once. {@link #close()} closes the
 * local channels; it is for the owner once no read is running (its threads joined).
 */
final class SpanChannels implements AutoCloseable {
  private final IndexedShards shards;
  private final AtomicReferenceArray<FileChannel> localChannels;
  private final boolean[] local;
  private final AtomicLong reads = new AtomicLong();

  SpanChannels(IndexedShards shards) {
    this.shards = shards;
    this.localChannels = new AtomicReferenceArray<>(shards.fileCount());
    this.local = new boolean[shards.fileCount()];
    for (int f = 0; f < local.length; f++) {
      local[f] = StoragePaths.isLocal(shards.file(f));
    }
  }

  /**
   * Reads {@code length} bytes of file {@code fileIndex} from byte {@code position} into {@code
   * into} from its index 0, and sets its writer index after them.
   *
   * @return the bytes read: {@code length}, or fewer where the file ends first
   */
  int read(int fileIndex, ByteBuf into, long position, int length) throws IOException {
    reads.incrementAndGet();
    ByteBuffer target = into.nioBuffer(0, length);
    int total;
    if (local[fileIndex]) {
      FileChannel channel = localChannel(fileIndex);
      total = 0;
      while (target.hasRemaining()) {
        int read = channel.read(target, position + total);
        if (read < 0) {
          break;
        }
        total += read;
      }
    } else {
      try (SeekableByteChannel channel =
          StoragePaths.openForReading(shards.file(fileIndex), readAheadFor(length))) {
        channel.position(position);
        total = readFully(channel, target);
      }
    }
    into.writerIndex(total);
    return total;
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

  private FileChannel localChannel(int fileIndex) throws IOException {
    FileChannel channel = localChannels.get(fileIndex);
    if (channel != null) {
      return channel;
    }
    FileChannel opened = FileChannel.open(shards.file(fileIndex), StandardOpenOption.READ);
    if (localChannels.compareAndSet(fileIndex, null, opened)) {
      return opened;
    }
    opened.close(); // another thread opened it first
    return localChannels.get(fileIndex);
  }

  /** Reads made so far, one per span. */
  long reads() {
    return reads.get();
  }

  @Override
  public void close() throws IOException {
    IOException failure = null;
    for (int f = 0; f < localChannels.length(); f++) {
      FileChannel channel = localChannels.getAndSet(f, null);
      if (channel == null) {
        continue;
      }
      try {
        channel.close();
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
