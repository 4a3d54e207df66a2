package dev.ingest.runtime.read;

import dev.ingest.runtime.concurrent.Backoff;
import dev.ingest.tfrecord.TFRecordReader;
import dev.ingest.tfrecord.TFRecordReaderOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A file's records, read ahead by a {@link ReaderPool} thread: that thread opens the file,
 * decompresses, checks framing and CRCs, and copies records into {@link RecordBlock}s; the source
 * thread takes the blocks in order and hands out their records one by one, exactly as a {@link
 * FileCursor} would (same records, offsets, counts and failures, at the same places), so the
 * interleave's order does not depend on the readers.
 *
 * <pre>
 *   reader thread:  free ──fill──► ready          source thread:  ready ──take──► records ──► free
 * </pre>
 *
 * <h2>Ownership</h2>
 *
 * {@link #DEPTH} + 1 blocks circulate: the reader fills them from {@code free} into {@code ready};
 * the source holds at most one and gives it back when it moves on. {@link #close()} (source
 * thread) releases the block it holds and marks the cursor closed; the reader thread then closes
 * the file and releases the blocks in both queues ({@link #finishReaderSide()}), or the pool does
 * once its threads have stopped. A failure while reading goes into the last block, after the
 * records before it, and is thrown when the source reaches it.
 */
public final class ReadAheadCursor implements RecordCursor {
  /** Blocks ready ahead of the one the source reads. */
  static final int DEPTH = 2;
  /** Budgeted bytes per open cursor: every block it may fill. */
  public static final long BYTES = (DEPTH + 1L) * RecordBlock.TARGET_BYTES;
  private static final long MAX_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

  private final Path file;
  private final TFRecordReaderOptions options;
  private final long startOffset;
  private final long startRecords;
  private final ArrayBlockingQueue<RecordBlock> ready = new ArrayBlockingQueue<>(DEPTH + 1);
  private final ArrayBlockingQueue<RecordBlock> free = new ArrayBlockingQueue<>(DEPTH + 1);
  private volatile boolean closed;
  private volatile Thread readerThread;
  private final Thread sourceThread = Thread.currentThread();

  // Reader thread only.
  private TFRecordReader reader;
  private boolean done;

  // Source thread only.
  private final RecordCache.Filling filling;
  private final BooleanSupplier halted;
  private final Backoff waiting = new Backoff(MAX_PARK_NANOS);
  private RecordBlock block;
  private int at;
  /** The filling was completed or abandoned: it is done with. */
  private boolean filled;

  /**
   * @param startOffset where to start reading (0, or a checkpoint's offset)
   * @param startRecords the records before that offset
   * @param filling where to copy the records for the cache, or {@code null}
   * @param halted true once the pipeline shuts down: waiting for a block then stops
   */
  ReadAheadCursor(Path file, TFRecordReaderOptions options, long startOffset, long startRecords,
      ByteBufAllocator allocator, RecordCache.Filling filling, BooleanSupplier halted) {
    this.file = file;
    this.options = options;
    this.startOffset = startOffset;
    this.startRecords = startRecords;
    this.filling = filling;
    this.halted = halted;
    for (int i = 0; i <= DEPTH; i++) {
      free.add(new RecordBlock(allocator));
    }
  }

  // ---- source side -------------------------------------------------------------------------

  @Override
  public boolean advance() throws IOException {
    while (true) {
      if (block != null && at + 1 < block.count) {
        at++;
        if (filling != null) {
          filling.add(block.bytes, block.starts[at], block.lengths[at], block.offsets[at],
              block.dataCrcs[at]);
        }
        return true;
      }
      if (block != null) {
        if (block.failure != null) {
          throw ThreadFailures.asIOException(block.failure);
        }
        if (block.last) {
          if (filling != null && !filled) {
            filled = true;
            if (block.problems) {
              filling.completeWithSkips(); // as FileCursor: a record cache keeps none of it
            } else {
              filling.complete();
            }
          }
          return false;
        }
        giveBack(block);
        block = null;
      }
      block = takeReady();
      at = -1;
    }
  }

  private RecordBlock takeReady() {
    RecordBlock next;
    while ((next = ready.poll()) == null) {
      if (halted.getAsBoolean()) {
        throw new CancellationException("the pipeline was closed while reading " + file);
      }
      waiting.idle();
    }
    waiting.reset();
    return next;
  }

  private void giveBack(RecordBlock used) {
    free.add(used);
    Thread thread = readerThread;
    if (thread != null) {
      LockSupport.unpark(thread);
    }
  }

  @Override
  public ByteBuf buffer() {
    return block.bytes;
  }

  @Override
  public int recordStart() {
    return block.starts[at];
  }

  @Override
  public int recordLength() {
    return block.lengths[at];
  }

  @Override
  public Path file() {
    return file;
  }

  @Override
  public long recordOffset() {
    return block.offsets[at];
  }

  @Override
  public long recordsRead() {
    return block == null ? startRecords : block.recordsBefore + at + 1;
  }

  @Override
  public int recordMaskedDataCrc() {
    return block.dataCrcs[at];
  }

  @Override
  public boolean lendsBuffer() {
    return false; // a block goes back to the reader thread to be refilled, held or not
  }

  /**
   * Marks the cursor closed, abandoning a cache filling the file's end did not complete; its
   * reader thread (or the pool) releases the rest.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    if (filling != null && !filled) {
      filled = true;
      filling.abandon();
    }
    if (block != null) {
      block.release();
      block = null;
    }
    closed = true;
    Thread thread = readerThread;
    if (thread != null) {
      LockSupport.unpark(thread);
    }
  }

  // ---- reader side -------------------------------------------------------------------------

  boolean closed() {
    return closed;
  }

  /**
   * Fills one block if one is free and the file has more; returns whether it did any work.
   * Called by the one reader thread this cursor belongs to.
   */
  boolean readAhead() {
    readerThread = Thread.currentThread();
    if (done) {
      return false;
    }
    RecordBlock next = free.poll();
    if (next == null) {
      return false;
    }
    next.clear(reader == null ? startRecords : reader.recordsRead());
    try {
      if (reader == null) {
        reader = TFRecordReader.open(file, options);
        if (startOffset > 0 || startRecords > 0) {
          reader.seek(startOffset, startRecords);
        }
      }
      while (!next.full()) {
        if (!reader.advance()) {
          next.last = true;
          break;
        }
        next.add(reader.buffer(), reader.recordStart(), reader.recordLength(),
            reader.recordOffset(), reader.recordMaskedDataCrc());
      }
    } catch (Throwable failure) {
      next.failure = failure;
      next.last = true;
    }
    if (next.last) {
      next.problems = reader != null && reader.problems() > 0;
      done = true;
      closeReader();
    }
    ready.add(next);
    LockSupport.unpark(sourceThread);
    return true;
  }

  /** Closes the file and releases every block in the queues; reader thread, or pool at stop. */
  void finishReaderSide() {
    closeReader();
    RecordBlock left;
    while ((left = ready.poll()) != null) {
      left.release();
    }
    while ((left = free.poll()) != null) {
      left.release();
    }
  }

  private void closeReader() {
    if (reader != null) {
      try {
        reader.close();
      } catch (IOException ignored) {
        // Closing a file opened for reading loses nothing; its records were all handed over.
      } finally {
        reader = null;
      }
    }
  }
}
