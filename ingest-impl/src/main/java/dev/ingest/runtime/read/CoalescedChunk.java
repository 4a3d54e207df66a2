package dev.ingest.runtime.read;

import static dev.ingest.tfrecord.TFRecordFormat.FRAMING_BYTES;
import static dev.ingest.tfrecord.TFRecordFormat.HEADER_BYTES;

import dev.ingest.RecordProblem;
import dev.ingest.RecordProblem.Kind;
import dev.ingest.tfrecord.MaskedCrc32c;
import dev.ingest.tfrecord.TFRecordReader;
import dev.ingest.tfrecord.TFRecordReaderOptions;
import dev.ingest.tfrecord.index.RecordIndex;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongUnaryOperator;
import java.util.zip.CRC32C;

/**
 * One chunk of {@link CoalescedRecords}: a run of consecutive output positions, their records
 * sorted by file and offset and grouped into spans, each span read with one read into its place
 * in the chunk's one buffer, and what each record turned out to be (where its data lies, or what
 * is wrong with it).
 *
 * <pre>
 *   output order:  id 907, id 12, id 913, id 15          (positions p .. p+3)
 *   sorted:        12, 15 | 907, 913                     (file 0 | file 3)
 *   buffer:        [hdr 12 data crc][gap][hdr 15 ...][hdr 907 ...][gap][hdr 913 ...]
 *                  span 0: one read                  span 1: one read
 * </pre>
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * The consumer thread {@link #plan plans} a chunk, {@link #allocate allocates} its buffer and
 * owns both. Each span is then read by one thread ({@link #readSpan}), which writes only that
 * span's bytes of the buffer and its records' entries and
 * then counts the span done; the consumer reads the results only after {@link #done()} is true,
 * the atomic count being the happens-before edge. {@link #release()} is for the owner once no
 * span is being read.
 */
final class CoalescedChunk {
  /** A buffer's capacity is an {@code int}: no span is merged beyond this. */
  private static final long MAX_SPAN_BUFFER = CoalescedReads.MAX_CHUNK_BYTES;
  /** Bits of a planning key for the position in the chunk: {@link CoalescedReads#MAX_CHUNK_RECORDS}. */
  static final int POSITION_BITS = 20;
  private static final long POSITION_MASK = (1L << POSITION_BITS) - 1;
  /** The largest id a chunk can be planned with is below 2^ID_BITS. */
  static final int ID_BITS = 63 - POSITION_BITS;

  private final IndexedShards shards;
  private final TFRecordReaderOptions options;
  /** Records handed out from this chunk: positions {@code [first, first + positions)}. */
  private final int positions;
  /** {@code recordOf[j]}: the record (an index into the sorted arrays) of position first + j. */
  private final int[] recordOf;

  // The chunk's distinct records, sorted by id, which is by file and then offset.
  private final long[] ids;
  private final int[] fileOf;
  private final long[] offsets;
  private final long[] indexInFile;
  private final int[] lengths;
  /** The span that holds each record, or -1 for a record never read (too large). */
  private final int[] spanOf;
  /** Index of each record's first data byte in its span's buffer, set once the span is read. */
  private final int[] starts;
  private final int[] maskedDataCrcs;
  private final RecordProblem[] problems;

  private final int spans;
  private final int[] spanFile;
  private final long[] spanStart;
  private final int[] spanLength;
  private final int[] spanFirstRecord;
  /** Where each span lies in {@link #buffer}: the spans back to back, in order. */
  private final int[] spanBase;
  /** The chunk's one buffer, holding every span; null until allocated, or with no span. */
  private ByteBuf buffer;
  /**
   * A view of all of {@link #buffer}, made once: reader threads copy into it and read from it with
   * absolute indexes only, which change nothing shared (each span takes its own duplicate to
   * move a position over).
   */
  private ByteBuffer view;
  /** Why a span could not be read at all (the cause of its records' READ_ERROR), or null. */
  private final IOException[] spanFailures;
  private final AtomicInteger spansLeft;
  /** A failure of the reading code itself (not of the file), rethrown to the consumer. */
  private volatile Throwable failure;

  private CoalescedChunk(IndexedShards shards, TFRecordReaderOptions options, int positions,
      int[] recordOf, long[] ids, CoalescedReads settings) {
    this.shards = shards;
    this.options = options;
    this.positions = positions;
    this.recordOf = recordOf;
    this.ids = ids;
    int records = ids.length;
    fileOf = new int[records];
    offsets = new long[records];
    indexInFile = new long[records];
    lengths = new int[records];
    spanOf = new int[records];
    starts = new int[records];
    maskedDataCrcs = new int[records];
    problems = new RecordProblem[records];
    int[] spanFileBuilt = new int[records];
    long[] spanStartBuilt = new long[records];
    int[] spanLengthBuilt = new int[records];
    int[] spanFirstBuilt = new int[records + 1];
    long maxSpan = Math.min(settings.maxSpanBytes(), MAX_SPAN_BUFFER);
    long gapBudget = settings.chunkBytes();
    int spanCount = 0;
    for (int r = 0; r < records; r++) {
      long id = ids[r];
      int file = shards.fileOf(id);
      fileOf[r] = file;
      indexInFile[r] = id - shards.firstId(file);
      RecordIndex index = shards.index(file);
      offsets[r] = index.offset(indexInFile[r]);
      // Capped, not cut: any length past an int is past every record size limit, and refused.
      lengths[r] = (int) Math.min(index.length(indexInFile[r]), Integer.MAX_VALUE);
      if (lengths[r] > options.maxRecordBytes()) {
        spanOf[r] = -1;
        problems[r] = newProblem(r, Kind.TOO_LARGE, "the index gives a length of " + lengths[r]
            + ", above the limit of " + options.maxRecordBytes() + " bytes");
        continue;
      }
      long frameEnd = offsets[r] + FRAMING_BYTES + lengths[r];
      if (spanCount > 0) {
        int last = spanCount - 1;
        long spanEnd = spanStartBuilt[last] + spanLengthBuilt[last];
        long gap = offsets[r] - spanEnd;
        if (spanFileBuilt[last] == file && gap >= 0 && gap <= settings.maxGapBytes()
            && gap <= gapBudget && frameEnd - spanStartBuilt[last] <= maxSpan) {
          spanLengthBuilt[last] = (int) (frameEnd - spanStartBuilt[last]);
          gapBudget -= gap;
          spanOf[r] = last;
          continue;
        }
      }
      spanFileBuilt[spanCount] = file;
      spanStartBuilt[spanCount] = offsets[r];
      spanLengthBuilt[spanCount] = (int) (frameEnd - offsets[r]);
      spanFirstBuilt[spanCount] = r;
      spanOf[r] = spanCount;
      spanCount++;
    }
    spanFirstBuilt[spanCount] = records;
    spans = spanCount;
    spanFile = spanFileBuilt;
    spanStart = spanStartBuilt;
    spanLength = spanLengthBuilt;
    spanFirstRecord = spanFirstBuilt;
    spanBase = new int[spanCount + 1];
    for (int s = 0; s < spanCount; s++) {
      spanBase[s + 1] = Math.addExact(spanBase[s], spanLengthBuilt[s]);
    }
    spanFailures = new IOException[spanCount];
    spansLeft = new AtomicInteger(spanCount);
  }

  /**
   * Plans the chunk of output positions from {@code first}: up to {@code chunkRecords} of them,
   * fewer once their frames pass {@code chunkBytes} (never none), sorted and grouped into spans.
   */
  static CoalescedChunk plan(IndexedShards shards, LongUnaryOperator idAt, long first,
      long count, CoalescedReads settings, TFRecordReaderOptions options) {
    int most = (int) Math.min(settings.chunkRecords(), count - first);
    // Each id with its position in the low bits: one sort of primitives orders the records and
    // keeps, for each, where it goes (ids below 2^ID_BITS, positions below 2^POSITION_BITS).
    long[] keys = new long[most];
    int positions = 0;
    long bytes = 0;
    while (positions < most) {
      long id = idAt.applyAsLong(first + positions);
      int file = shards.fileOf(id);
      long frame = FRAMING_BYTES + shards.index(file).length(id - shards.firstId(file));
      if (positions > 0 && bytes + frame > settings.chunkBytes()) {
        break;
      }
      keys[positions] = id << POSITION_BITS | positions;
      positions++;
      bytes += frame;
    }
    Arrays.sort(keys, 0, positions);
    long[] ids = new long[positions];
    int[] recordOf = new int[positions];
    int distinct = 0;
    for (int i = 0; i < positions; i++) {
      long id = keys[i] >>> POSITION_BITS;
      if (distinct == 0 || ids[distinct - 1] != id) {
        ids[distinct++] = id; // an id given twice is read once, handed out twice
      }
      recordOf[(int) (keys[i] & POSITION_MASK)] = distinct - 1;
    }
    return new CoalescedChunk(shards, options, positions, recordOf,
        distinct == positions ? ids : Arrays.copyOf(ids, distinct), settings);
  }

  int positions() {
    return positions;
  }

  int spans() {
    return spans;
  }

  /** The record at position {@code first + j}. */
  int recordOf(int j) {
    return recordOf[j];
  }

  /**
   * Allocates the chunk's one buffer for all its spans (on the owner's thread, before any span is
   * read): one allocation per chunk, not per span.
   */
  void allocate(ByteBufAllocator allocator) {
    int bytes = spanBase[spans];
    if (bytes > 0) {
      buffer = allocator.directBuffer(bytes, bytes);
      view = buffer.nioBuffer(0, bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
  }

  // ---- reading (any one thread per span) ---------------------------------------------------

  /**
   * Reads span {@code s} into its place in the chunk's buffer, checks its records and counts the
   * span done, whatever happens. A failure to read is its records' problem; a closed channel or
   * an interrupt is the chunk's {@link #failure()}.
   */
  void readSpan(int s, SpanChannels channels, CRC32C crc) {
    try {
      int length = spanLength[s];
      int read;
      try {
        read = channels.read(spanFile[s], view, spanBase[s], spanStart[s], length);
      } catch (ClosedChannelException | InterruptedIOException closing) {
        // The reader is closing (or its thread was interrupted): not the file's problem, and
        // the span's records are unknown, so whoever still waits on the chunk gets this.
        failure = closing;
        return;
      } catch (IOException e) {
        spanFailures[s] = e;
        for (int r = spanFirstRecord[s]; r < spanFirstRecord[s + 1]; r++) {
          if (spanOf[r] == s) {
            problems[r] = newProblem(r, Kind.READ_ERROR, "reading failed: " + e.getMessage()
                + " (bytes " + spanStart[s] + " to " + (spanStart[s] + length) + ")");
          }
        }
        return;
      }
      // One view for every record's CRC: no allocation per record.
      ByteBuffer span = view.duplicate().order(ByteOrder.LITTLE_ENDIAN);
      for (int r = spanFirstRecord[s]; r < spanFirstRecord[s + 1]; r++) {
        if (spanOf[r] == s) {
          check(r, read, crc, span);
        }
      }
    } catch (RuntimeException | Error e) {
      failure = e;
    } finally {
      spansLeft.decrementAndGet();
    }
  }

  /** Checks record {@code r}'s frame as {@link TFRecordReader} does, and notes where it is. */
  private void check(int r, int bytesRead, CRC32C crc, ByteBuffer span) {
    int s = spanOf[r];
    int inSpan = (int) (offsets[r] - spanStart[s]);
    if ((long) inSpan + FRAMING_BYTES + lengths[r] > bytesRead) {
      problems[r] = newProblem(r, Kind.TRUNCATED, "the file ends at byte "
          + (spanStart[s] + bytesRead) + ", and the index says this record ends at byte "
          + (offsets[r] + FRAMING_BYTES + lengths[r]));
      return;
    }
    int header = spanBase[s] + inSpan;
    long length = span.getLong(header);
    if (options.verifyCrc()) {
      int stored = span.getInt(header + 8);
      int actual = MaskedCrc32c.ofLength(length);
      if (actual != stored) {
        problems[r] = TFRecordReader.lengthCrcProblem(shards.file(fileOf[r]), offsets[r],
            indexInFile[r], stored, actual);
        return;
      }
    }
    if (length != lengths[r]) {
      problems[r] = newProblem(r, Kind.LENGTH_CRC, "the header gives a length of "
          + Long.toUnsignedString(length) + " and the index " + lengths[r]
          + ": the index is stale or the file changed since it was indexed");
      return;
    }
    int data = header + HEADER_BYTES;
    int storedDataCrc = span.getInt(data + lengths[r]);
    if (options.verifyCrc() && !options.deferDataCrc()) {
      span.limit(data + lengths[r]).position(data);
      int actual = MaskedCrc32c.of(crc, span);
      span.clear();
      if (actual != storedDataCrc) {
        problems[r] = TFRecordReader.dataCrcProblem(shards.file(fileOf[r]), offsets[r],
            indexInFile[r], storedDataCrc, actual);
        return;
      }
    }
    starts[r] = data;
    maskedDataCrcs[r] = storedDataCrc;
  }

  private RecordProblem newProblem(int r, Kind kind, String detail) {
    return new RecordProblem(shards.file(fileOf[r]), offsets[r], indexInFile[r], kind, detail);
  }

  /** Whether every span has been read (or given up): then the results may be read. */
  boolean done() {
    return spansLeft.get() == 0;
  }

  /** A failure of the reading code itself, or null. Read after {@link #done()}. */
  Throwable failure() {
    return failure;
  }

  // ---- results (the owner, after done()) ---------------------------------------------------

  /** What is wrong with record {@code r}, or null if it is good. */
  RecordProblem problem(int r) {
    return problems[r];
  }

  /** The failure that kept record {@code r} from being read, or null. */
  IOException readFailure(int r) {
    return spanOf[r] < 0 ? null : spanFailures[spanOf[r]];
  }

  ByteBuf buffer(int r) {
    return buffer;
  }

  int start(int r) {
    return starts[r];
  }

  int length(int r) {
    return lengths[r];
  }

  int fileIndex(int r) {
    return fileOf[r];
  }

  long offset(int r) {
    return offsets[r];
  }

  long indexInFile(int r) {
    return indexInFile[r];
  }

  int maskedDataCrc(int r) {
    return maskedDataCrcs[r];
  }

  /**
   * Releases the chunk's reference to its buffer; records a caller retained keep it alive.
   * Idempotent.
   */
  void release() {
    if (buffer != null) {
      buffer.release();
      buffer = null;
      view = null;
    }
  }
}
