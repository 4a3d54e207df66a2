package dev.ingest.runtime.cache;

import dev.ingest.runtime.read.RecordCache;
import dev.ingest.runtime.read.RecordCursor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * tf.data's {@code cache()} in memory, at the records: every record read from a file (after its
 * framing and length check, before shuffle and parse), kept in pooled direct blocks, per file.
 * Once a file has been read to its end, later epochs read it from here instead of from disk: no
 * I/O, no decompression, no framing. Because the cache holds whole files' records, and every
 * epoch still applies its own file order, interleave, sharding and shuffle to them, a pipeline
 * with a cache yields exactly the batches it yields without one.
 *
 * <pre>
 *   blocks (1 MiB each):  [ r0 r1 r2 ... | r9 r10 ... ]       file A: records 0..9 → (block, start, length)
 * </pre>
 *
 * <p>Confined to the source thread. Its bytes count against the memory budget (through the
 * reserve callback) and are never given back while the pipeline runs; {@link #release()} frees
 * every block at the end.
 */
final class MemoryRecordCache implements RecordCache {
  static final int BLOCK_BYTES = 1 << 20;

  private final ByteBufAllocator allocator;
  /** Reserves budget for bytes about to be cached; false once the pipeline is shutting down. */
  private final LongPredicate reserve;
  private final Map<Path, CachedFile> complete = new HashMap<>();
  private final List<ByteBuf> blocks = new ArrayList<>();
  private ByteBuf block;
  private long bytes;
  private long recordsServed;

  MemoryRecordCache(ByteBufAllocator allocator, LongPredicate reserve) {
    this.allocator = allocator;
    this.reserve = reserve;
  }

  @Override
  public RecordCursor cursor(Path file) {
    CachedFile cached = complete.get(file);
    return cached == null ? null : new CachedCursor(cached);
  }

  @Override
  public Filling fill(Path file) {
    return new MemoryFilling(file);
  }

  /** Bytes held. */
  long bytes() {
    return bytes;
  }

  @Override
  public long recordsServed() {
    return recordsServed;
  }

  @Override
  public void release() {
    blocks.forEach(ByteBuf::release);
    blocks.clear();
    complete.clear();
    block = null;
  }

  /** Copies {@code length} bytes in; returns the index of the block holding them. */
  private int append(ByteBuf source, int start, int length) {
    if (block == null || block.writableBytes() < length) {
      block = allocator.directBuffer(Math.max(BLOCK_BYTES, length));
      blocks.add(block);
    }
    block.writeBytes(source, start, length);
    bytes += length;
    return blocks.size() - 1;
  }

  /** One file's records, in file order. */
  private static final class CachedFile {
    final Path file;
    int count;
    int[] blockIndex = new int[64];
    int[] start = new int[64];
    int[] length = new int[64];
    long[] offset = new long[64];
    int[] crc = new int[64];

    CachedFile(Path file) {
      this.file = file;
    }

    void add(int inBlock, int at, int size, long fileOffset, int maskedCrc) {
      if (count == start.length) {
        int capacity = count * 2;
        blockIndex = Arrays.copyOf(blockIndex, capacity);
        start = Arrays.copyOf(start, capacity);
        length = Arrays.copyOf(length, capacity);
        offset = Arrays.copyOf(offset, capacity);
        crc = Arrays.copyOf(crc, capacity);
      }
      blockIndex[count] = inBlock;
      start[count] = at;
      length[count] = size;
      offset[count] = fileOffset;
      crc[count] = maskedCrc;
      count++;
    }
  }

  /** Records of one file on their way into the cache, while the file is read. */
  private final class MemoryFilling implements Filling {
    private final CachedFile file;
    private boolean abandoned;

    private MemoryFilling(Path path) {
      this.file = new CachedFile(path);
    }

    @Override
    public void add(ByteBuf source, int start, int length, long fileOffset, int maskedCrc) {
      if (abandoned) {
        return;
      }
      if (!reserve.test(length)) {
        abandoned = true; // shutting down: this file will not be replayed
        return;
      }
      int at = block == null || block.writableBytes() < length ? 0 : block.writerIndex();
      int inBlock = append(source, start, length);
      file.add(inBlock, at, length, fileOffset, maskedCrc);
    }

    @Override
    public void complete() {
      if (!abandoned) {
        complete.put(file.file, file);
      }
    }

    /** Its blocks stay until {@link #release()}: they hold other files' records too. */
    @Override
    public void abandon() {
      abandoned = true;
    }
  }

  /** Replays one cached file. */
  private final class CachedCursor implements RecordCursor {
    private final CachedFile file;
    private int next;
    private int at = -1;

    CachedCursor(CachedFile file) {
      this.file = file;
    }

    @Override
    public boolean advance() {
      if (next == file.count) {
        return false;
      }
      at = next++;
      recordsServed++;
      return true;
    }

    @Override
    public ByteBuf buffer() {
      return blocks.get(file.blockIndex[at]);
    }

    @Override
    public int recordStart() {
      return file.start[at];
    }

    @Override
    public int recordLength() {
      return file.length[at];
    }

    @Override
    public Path file() {
      return file.file;
    }

    @Override
    public long recordOffset() {
      return file.offset[at];
    }

    @Override
    public long recordsRead() {
      return next;
    }

    @Override
    public int recordMaskedDataCrc() {
      return file.crc[at];
    }

    @Override
    public boolean lendsBuffer() {
      return false; // the cache's memory goes when the source stops, held or not
    }

    @Override
    public void close() {}
  }
}
