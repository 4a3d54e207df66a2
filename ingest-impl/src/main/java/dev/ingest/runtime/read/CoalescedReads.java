package dev.ingest.runtime.read;

import dev.ingest.spi.ReadAhead;

/**
 * How {@link CoalescedRecords} groups reads. It takes the next {@code chunkRecords} ids of the
 * epoch's order (fewer once their records and framing reach {@code chunkBytes}), sorts them by
 * file and offset, and reads each run of records lying at most {@code maxGapBytes} apart in one
 * file, up to {@code maxSpanBytes} in all, with one read (a "span"). The bytes of the gaps read
 * over are at most {@code chunkBytes} per chunk, so a chunk reads at most twice {@code chunkBytes}
 * (or one record's frame, where a single record is larger).
 *
 * @param chunkRecords the most records sorted and read together (at least 1, at most {@link
 *     #MAX_CHUNK_RECORDS}). More find more neighbours to merge, and hold more memory
 * @param chunkBytes the most bytes of records (payload and framing) in a chunk, besides its first
 *     record (at least 1, at most {@link #MAX_CHUNK_BYTES}): a chunk is read into one buffer
 * @param maxGapBytes the largest gap between two records read over rather than read apart (0:
 *     only records that touch are merged)
 * @param maxSpanBytes the most bytes one read covers, besides a single record larger than this
 *     (at least 1)
 * @param depth chunks read ahead of the one being handed out (at least 1); unused with no reader
 *     threads
 * @param readerThreads threads that read spans, several spans at once; 0: the caller's thread
 *     reads each chunk when it needs it
 */
public record CoalescedReads(int chunkRecords, long chunkBytes, long maxGapBytes,
    long maxSpanBytes, int depth, int readerThreads) {
  /** A chunk's records and gaps, twice this at most, fit one buffer (an {@code int} capacity). */
  public static final long MAX_CHUNK_BYTES = (Integer.MAX_VALUE - 64) / 2;
  /** The most records in one chunk. */
  public static final int MAX_CHUNK_RECORDS = 1 << 20;

  public CoalescedReads {
    if (chunkRecords < 1 || chunkRecords > MAX_CHUNK_RECORDS || chunkBytes < 1 || chunkBytes > MAX_CHUNK_BYTES || maxGapBytes < 0 || maxSpanBytes < 1 || depth < 1
        || readerThreads < 0) {
      throw new IllegalArgumentException("coalesced reads need chunkRecords, chunkBytes,"
          + " maxSpanBytes and depth of at least 1, chunkRecords of at most " + MAX_CHUNK_RECORDS
          + ", chunkBytes of at most " + MAX_CHUNK_BYTES
          + ", and no negative gap or thread count, not chunkRecords " + chunkRecords
          + ", chunkBytes " + chunkBytes + ", maxGapBytes " + maxGapBytes + ", maxSpanBytes "
          + maxSpanBytes + ", depth " + depth + ", readerThreads " + readerThreads);
    }
  }

  /**
   * For the local disk: chunks of 1024 records or 1 MiB, gaps up to 16 KiB, spans up to 1 MiB,
   * 4 chunks ahead on 2 threads (at most 10 MiB held).
   *
   * <p>Why: a local file is read from memory (see {@link SpanChannels}), where a span costs a
   * few hundred nanoseconds besides its bytes and copying 16 KiB costs about as much, so a larger
   * gap would cost more than the span it saves; a random order over a large dataset rarely has
   * records that close in one chunk anyway. A chunk of 1 MiB, and its gaps, fit one of Netty's
   * pooled chunks (4 MiB), so a chunk's buffer comes from the pool. Two threads copy and check
   * CRCs while the caller hands records out, and keep more than one page fault at the device when
   * the files are not in the page cache.
   */
  public static CoalescedReads forLocal() {
    return new CoalescedReads(1024, 1L << 20, 16L << 10, 1L << 20, 4, 2);
  }

  /**
   * For an object store read as {@code readAhead} says: chunks of 4096 records or 16 MiB, gaps up
   * to one read-ahead block (1 MiB for auto), spans up to 8 blocks, 2 chunks ahead, and as many
   * threads as the read-ahead's depth (16 for auto), each waiting on one span's request (at most
   * 96 MiB held).
   *
   * <p>Why: a request's first byte takes tens of milliseconds, about the time a MiB takes to
   * arrive on one connection, so reading over a gap of a block is cheaper than a second request;
   * one request per span is then the cost, and spans' latencies overlap only when several are in
   * flight, one per thread.
   */
  public static CoalescedReads forStore(ReadAhead readAhead) {
    long block = readAhead.effectiveBlockBytes();
    return new CoalescedReads(4096, 16L << 20, block, 8 * block, 2, readAhead.maxDepth());
  }

  /**
   * The most bytes of chunk buffers held at once, for the memory budget: the chunk being handed
   * out and the chunks read ahead, each at most twice {@code chunkBytes}. A record larger than
   * that makes its chunk as large as its frame. Records the caller retains are not counted: they
   * keep their chunk's buffer alive until released.
   */
  public long maxBytesHeld() {
    long chunks = readerThreads == 0 ? 1 : depth + 1L;
    return chunks * 2 * chunkBytes;
  }
}
