package dev.ingest.runtime.read;

import dev.ingest.CorruptRecordException;
import dev.ingest.CorruptionPolicy;
import dev.ingest.RecordProblem;
import dev.ingest.RecordProblem.Kind;
import dev.ingest.RecordReadException;
import dev.ingest.runtime.concurrent.Backoff;
import dev.ingest.runtime.concurrent.ThreadStop;
import dev.ingest.tfrecord.TFRecordReader;
import dev.ingest.tfrecord.TFRecordReaderOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongUnaryOperator;
import java.util.zip.CRC32C;

/**
 * The records of an epoch in the order given by global ids, read in coalesced spans.
 *
 * <p>The order is cut into chunks of consecutive positions ({@link CoalescedReads}). A chunk's
 * records are sorted by file and offset, records close together in one file are merged into a
 * span, and each span is read with one read into its place in the chunk's one pooled direct
 * buffer (see {@link CoalescedChunk} for the picture, {@link SpanChannels} for the reads).
 * Records are then handed out in the given order as places in that buffer, without a copy. With reader threads, {@code
 * depth} chunks are read ahead, their spans several at a time; the order handed out, and which
 * problems are reported in which order, never depend on the threads or their timing.
 *
 * <p>Each record is checked as {@link TFRecordReader} checks it: the length's masked CRC32C, the
 * length against the index's (a mismatch means the index is stale or the file changed), and the
 * data's masked CRC32C unless the options defer it (the caller then checks {@link
 * #maskedDataCrc()}). A file that ends inside a span is a truncated record there; a read that
 * fails after the store's own retries is a read error of the span's records. Each problem names
 * the file, the record's offset and its index in the file; under {@link CorruptionPolicy#FAIL}
 * the first is thrown (a {@link RecordReadException} for a read error, else a {@link
 * CorruptRecordException}) and the reader stays failed; under {@link CorruptionPolicy#SKIP} it
 * goes to the options' listener and only that record is skipped, as the index still frames the
 * others. Problems are reported on the caller's thread, in output order.
 *
 * <h2>Ownership</h2>
 *
 * After {@link #advance()} the record is {@link #length()} bytes of {@link #buffer()} from
 * {@link #start()}; the reader owns the buffer and releases its reference when the chunk has
 * been handed out. A caller that keeps a record longer retains the buffer and releases it later:
 * chunk buffers are never reused or overwritten ({@link #lendsBuffer()}), and a retained record
 * keeps its whole chunk's buffer (up to twice {@code chunkBytes}) alive. {@link #close()}
 * releases every buffer the reader holds, also mid-epoch and after a failure.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * One thread (the caller) calls every method; the reader threads, named {@code
 * ingest-read-global-N} and daemons, only read spans handed to them through a queue and publish
 * each by counting it done (see {@link CoalescedChunk}). {@code idAt} may be called from any of
 * these threads. {@link #close()} stops and joins the reader threads before it frees anything;
 * it is idempotent.
 */
public final class CoalescedRecords implements OrderedRecords {
  private static final long MAX_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
  private static final long JOIN_MILLIS = 10_000;
  private static final SpanTask STOP = new SpanTask(null, -1);

  private final IndexedShards shards;
  private final LongUnaryOperator idAt;
  private final long count;
  private final CoalescedReads settings;
  private final TFRecordReaderOptions options;
  private final ByteBufAllocator allocator;
  private final BooleanSupplier halted;
  private final SpanChannels channels;
  /** Null without reader threads: chunks are then read on the caller's thread. */
  private final List<Thread> readers;
  private final BlockingQueue<SpanTask> spansToRead = new LinkedBlockingQueue<>();
  private final ArrayDeque<CoalescedChunk> ahead = new ArrayDeque<>();
  private final Backoff waiting = new Backoff(MAX_PARK_NANOS);
  private final CRC32C callerCrc = new CRC32C();
  private volatile boolean stopped;

  /** The next position to plan a chunk from. */
  private long planned;
  private CoalescedChunk chunk;
  /** The current position's index in {@link #chunk}, -1 before its first. */
  private int at = -1;
  /** The current record: an index into {@link #chunk}'s records. */
  private int record = -1;
  private long returned;
  private long passed;
  private long problems;
  private IOException failure;
  private boolean closed;

  /**
   * @param shards the records and where they are
   * @param idAt the id of the j-th record to return, for j in [0, count) (called from any thread
   *     of this reader, must be pure)
   * @param count the records to return
   * @param settings how reads are grouped and how many threads read
   * @param options the checks (CRCs, deferred data CRC, record size limit), the corruption policy
   *     and the problem listener; its compression and read buffers are not used (indexed shards
   *     are plain files, read into {@code allocator}'s buffers)
   * @param allocator where chunk buffers come from (pooled direct buffers)
   * @param halted true once the pipeline shuts down: waiting for a chunk then stops
   */
  public CoalescedRecords(IndexedShards shards, LongUnaryOperator idAt, long count,
      CoalescedReads settings, TFRecordReaderOptions options, ByteBufAllocator allocator,
      BooleanSupplier halted) {
    this(shards, idAt, count, settings, options, allocator, halted, new SpanChannels(shards));
  }

  /** With the given span reads (a test's, reading local files otherwise). */
  CoalescedRecords(IndexedShards shards, LongUnaryOperator idAt, long count,
      CoalescedReads settings, TFRecordReaderOptions options, ByteBufAllocator allocator,
      BooleanSupplier halted, SpanChannels channels) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative, not " + count);
    }
    if (shards.records() > 1L << CoalescedChunk.ID_BITS) {
      throw new IllegalArgumentException("a global order covers at most 2^"
          + CoalescedChunk.ID_BITS + " records, not " + shards.records());
    }
    this.shards = shards;
    this.idAt = idAt;
    this.count = count;
    this.settings = settings;
    this.options = options;
    this.allocator = allocator;
    this.halted = halted;
    this.channels = channels;
    if (settings.readerThreads() == 0) {
      readers = null;
    } else {
      readers = new ArrayList<>(settings.readerThreads());
      for (int i = 0; i < settings.readerThreads(); i++) {
        // Netty's thread class, so that buffers allocated there get the pool's thread caches.
        Thread thread = new FastThreadLocalThread(this::readSpans, "ingest-read-global-" + i);
        thread.setDaemon(true);
        readers.add(thread);
      }
      readers.forEach(Thread::start);
    }
  }

  /**
   * Moves to the next record in the given order, skipping (and reporting) bad ones under {@link
   * CorruptionPolicy#SKIP}; false at the end.
   *
   * @throws CorruptRecordException under {@link CorruptionPolicy#FAIL}, at a corrupt record
   * @throws RecordReadException under {@link CorruptionPolicy#FAIL}, at a record that could not
   *     be read
   * @throws CancellationException if the pipeline halted while this waited for a chunk
   */
  @Override
  public boolean advance() throws IOException {
    if (closed) {
      throw new IllegalStateException("the global-order reader is closed");
    }
    if (failure != null) {
      throw failure;
    }
    while (true) {
      if (chunk != null && at + 1 < chunk.positions()) {
        at++;
        passed++;
        int r = chunk.recordOf(at);
        RecordProblem problem = chunk.problem(r);
        if (problem != null) {
          report(problem, chunk.readFailure(r));
          continue;
        }
        record = r;
        returned++;
        return true;
      }
      if (chunk != null) {
        chunk.release();
        chunk = null;
        record = -1;
      }
      if (planned >= count && ahead.isEmpty()) {
        return false;
      }
      takeNextChunk();
      at = -1;
    }
  }

  private void takeNextChunk() throws IOException {
    if (readers == null) {
      chunk = planNext();
      for (int s = 0; s < chunk.spans(); s++) {
        chunk.readSpan(s, channels, callerCrc);
      }
    } else {
      topUp();
      chunk = ahead.poll();
      topUp();
      while (!chunk.done()) {
        if (halted.getAsBoolean()) {
          throw new CancellationException("the pipeline was closed while reading in global order");
        }
        waiting.idle();
      }
      waiting.reset();
    }
    Throwable broken = chunk.failure();
    if (broken != null) {
      failure = broken instanceof IOException io ? io : new IOException(broken);
      throw failure;
    }
  }

  /** Plans chunks and queues their spans until {@code depth} are ahead or the order ends. */
  private void topUp() {
    while (ahead.size() < settings.depth() && planned < count) {
      CoalescedChunk next = planNext();
      ahead.add(next);
      if (channels.allLocal()) {
        // A local span is a copy of a few hundred nanoseconds: a task per span would cost more in
        // hand-offs than its copy. The chunks ahead still read on different threads at once.
        spansToRead.add(new SpanTask(next, SpanTask.ALL));
      } else {
        // A store's span waits on a request: each on a thread of its own overlaps their waits.
        for (int s = 0; s < next.spans(); s++) {
          spansToRead.add(new SpanTask(next, s));
        }
      }
    }
  }

  private CoalescedChunk planNext() {
    CoalescedChunk next = CoalescedChunk.plan(shards, idAt, planned, count, settings, options);
    planned += next.positions();
    next.allocate(allocator);
    return next;
  }

  private void report(RecordProblem problem, IOException cause) throws IOException {
    problems++;
    options.problemListener().accept(problem);
    if (options.onCorrupt() == CorruptionPolicy.FAIL) {
      failure = problem.kind() == Kind.READ_ERROR ? new RecordReadException(problem, cause)
          : new CorruptRecordException(problem, cause);
      throw failure;
    }
  }

  /** A reader thread: reads the spans queued, in the order queued, until stopped. */
  private void readSpans() {
    CRC32C crc = new CRC32C();
    try {
      while (!stopped && !halted.getAsBoolean()) {
        SpanTask task = spansToRead.take();
        if (task == STOP) {
          return;
        }
        if (task.span == SpanTask.ALL) {
          for (int s = 0; s < task.chunk.spans(); s++) {
            task.chunk.readSpan(s, channels, crc);
          }
        } else {
          task.chunk.readSpan(task.span, channels, crc);
        }
      }
    } catch (InterruptedException e) {
      // close() interrupts a reader that did not see the flag: it ends here.
    }
  }

  /** The buffer that holds the current record; the reader owns it (see the class comment). */
  @Override
  public ByteBuf buffer() {
    return chunk.buffer(record);
  }

  /** Index in {@link #buffer()} of the current record's first data byte. */
  @Override
  public int start() {
    return chunk.start(record);
  }

  /** Length in bytes of the current record's data. */
  @Override
  public int length() {
    return chunk.length(record);
  }

  /** Index in the shards of the current record's file. */
  @Override
  public int fileIndex() {
    return chunk.fileIndex(record);
  }

  @Override
  public Path file() {
    return shards.file(fileIndex());
  }

  /** Byte offset of the current record's header in its file. */
  @Override
  public long offset() {
    return chunk.offset(record);
  }

  /** The current record's index in its file. */
  @Override
  public long indexInFile() {
    return chunk.indexInFile(record);
  }

  /**
   * The masked CRC32C stored after the current record's data. Checked already unless the options
   * defer it; a caller that defers reports a mismatch as {@link TFRecordReader#dataCrcProblem}.
   */
  @Override
  public int maskedDataCrc() {
    return chunk.maskedDataCrc(record);
  }

  /**
   * True: a retained chunk buffer is never overwritten (see {@link RecordCursor#lendsBuffer()}); it
   * holds the whole chunk, so retain few records, briefly.
   */
  @Override
  public boolean dataCrcChecked() {
    return options.verifyCrc() && !options.deferDataCrc();
  }

  @Override
  public boolean lendsBuffer() {
    return true;
  }

  /**
   * Records returned so far. Under {@link CorruptionPolicy#SKIP} this leaves out skipped records,
   * which {@link #positionsPassed()} counts too.
   */
  public long position() {
    return returned;
  }

  /** Positions of the order passed so far, returned or skipped: where the next record's id is. */
  @Override
  public long positionsPassed() {
    return passed;
  }

  /** Problems reported so far (at most one under {@link CorruptionPolicy#FAIL}). */
  public long problems() {
    return problems;
  }

  /** Span reads made so far: how well reads were coalesced. */
  long spanReads() {
    return channels.reads();
  }

  /**
   * Stops and joins the reader threads, then releases every chunk buffer held (of the chunk
   * handed out and of those read ahead) and closes the files. Idempotent.
   *
   * @throws IllegalStateException if a reader thread does not stop within 10 s (its buffers are
   *     then left to it)
   * @throws UncheckedIOException if a file cannot be closed
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (readers != null) {
      stopped = true;
      spansToRead.clear();
      for (int i = 0; i < readers.size(); i++) {
        spansToRead.add(STOP);
      }
      // A reader blocked in a store's read sees no flag: ThreadStop interrupts it.
      ThreadStop.stop(readers, JOIN_MILLIS);
      for (Thread reader : readers) {
        if (reader.isAlive()) {
          throw new IllegalStateException("reader thread " + reader.getName()
              + " did not stop within " + JOIN_MILLIS + " ms; its buffers are left to it");
        }
      }
    }
    // The readers are joined: every chunk buffer is ours to release.
    if (chunk != null) {
      chunk.release();
      chunk = null;
    }
    CoalescedChunk left;
    while ((left = ahead.poll()) != null) {
      left.release();
    }
    try {
      channels.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the shards read in global order", e);
    }
  }

  /** Span {@code span} of {@code chunk} ({@link #ALL}: every span of it), for a reader thread. */
  private record SpanTask(CoalescedChunk chunk, int span) {
    static final int ALL = -2;
  }
}
