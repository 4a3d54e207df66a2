package dev.ingest.runtime.read;

import static dev.ingest.tfrecord.TFRecordFormat.FRAMING_BYTES;
import static dev.ingest.tfrecord.TFRecordFormat.HEADER_BYTES;

import dev.ingest.RecordProblem;
import dev.ingest.RecordProblem.Kind;
import dev.ingest.tfrecord.MaskedCrc32c;
import dev.ingest.tfrecord.TFRecordReader;
import dev.ingest.tfrecord.TFRecordReaderOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedChannelException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongUnaryOperator;
import java.util.zip.CRC32C;

/**
 * One chunk of {@link CoalescedRecords}: a run of consecutive output positions, their records
 * sorted by file and offset and grouped into spans, each span read into one buffer, and what each
 * record turned out to be (where its data lies, or what is wrong with it).
 *
 * <pre>
 *   output order:  id 907, id 12, id 913, id 15          (positions p .. p+3)
 *   sorted:        12, 15 | 907, 913                     (file 0 | file 3)
 *   spans:         [hdr 12 data crc][gap][hdr 15 ...]    [hdr 907 ...][gap][hdr 913 ...]
 *                  one read, one buffer                  one read, one buffer
 * </pre>
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * The consumer thread {@link #plan plans} a chunk and owns it. Each span is then read by one
 * thread ({@link #readSpan}), which writes only that span's buffer and its records' entries and
 * then counts the span done; the consumer reads the results only after {@link #done()} is true,
 * the atomic count being the happens-before edge. {@link #release()} is for the owner once no
 * span is being read.
 */
final class CoalescedChunk {
  /** A buffer's capacity is an {@code int}: no span is merged beyond this. */
  private static final long MAX_SPAN_BUFFER = Integer.MAX_VALUE - 64;

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
  private final ByteBuf[] buffers;
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
      offsets[r] = shards.offset(id);
      indexInFile[r] = id - shards.firstId(file);
      lengths[r] = shards.length(id);
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
    buffers = new ByteBuf[spanCount];
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
    long[] idsInOrder = new long[most];
    int positions = 0;
    long bytes = 0;
    while (positions < most) {
      long id = idAt.applyAsLong(first + positions);
      long frame = FRAMING_BYTES + (long) shards.length(id);
      if (positions > 0 && bytes + frame > settings.chunkBytes()) {
        break;
      }
      idsInOrder[positions++] = id;
      bytes += frame;
    }
    long[] sorted = Arrays.copyOf(idsInOrder, positions);
    Arrays.sort(sorted);
    int distinct = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (i == 0 || sorted[i] != sorted[distinct - 1]) {
        sorted[distinct++] = sorted[i];
      }
    }
    long[] ids = Arrays.copyOf(sorted, distinct);
    int[] recordOf = new int[positions];
    for (int j = 0; j < positions; j++) {
      recordOf[j] = Arrays.binarySearch(ids, idsInOrder[j]);
    }
    return new CoalescedChunk(shards, options, positions, recordOf, ids, settings);
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

  // ---- reading (any one thread per span) ---------------------------------------------------

  /**
   * Reads span {@code s} into a buffer of {@code allocator}'s, checks its records and counts the
   * span done, whatever happens. A failure to read is its records' problem; a closed channel or
   * an interrupt is the chunk's {@link #failure()}.
   */
  void readSpan(int s, SpanChannels channels, ByteBufAllocator allocator, CRC32C crc) {
    try {
      int length = spanLength[s];
      ByteBuf buffer = allocator.directBuffer(length, length);
      buffers[s] = buffer;
      int read;
      try {
        read = channels.read(spanFile[s], buffer, spanStart[s], length);
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
      for (int r = spanFirstRecord[s]; r < spanFirstRecord[s + 1]; r++) {
        if (spanOf[r] == s) {
          check(r, buffer, read, crc);
        }
      }
    } catch (RuntimeException | Error e) {
      failure = e;
    } finally {
      spansLeft.decrementAndGet();
    }
  }

  /** Checks record {@code r}'s frame as {@link TFRecordReader} does, and notes where it is. */
  private void check(int r, ByteBuf buffer, int bytesRead, CRC32C crc) {
    int s = spanOf[r];
    int header = (int) (offsets[r] - spanStart[s]);
    long frameEnd = (long) header + FRAMING_BYTES + lengths[r];
    if (frameEnd > bytesRead) {
      problems[r] = newProblem(r, Kind.TRUNCATED, "the file ends at byte "
          + (spanStart[s] + bytesRead) + ", and the index says this record ends at byte "
          + (offsets[r] + FRAMING_BYTES + lengths[r]));
      return;
    }
    long length = buffer.getLongLE(header);
    if (options.verifyCrc()) {
      int stored = buffer.getIntLE(header + 8);
      crc.reset();
      crc.update(buffer.internalNioBuffer(header, 8));
      int actual = MaskedCrc32c.mask((int) crc.getValue());
      if (actual != stored) {
        problems[r] = newProblem(r, Kind.LENGTH_CRC, crcDetail("length", stored, actual));
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
    int storedDataCrc = buffer.getIntLE(data + lengths[r]);
    if (options.verifyCrc() && !options.deferDataCrc()) {
      crc.reset();
      crc.update(buffer.internalNioBuffer(data, lengths[r]));
      int actual = MaskedCrc32c.mask((int) crc.getValue());
      if (actual != storedDataCrc) {
        problems[r] = newProblem(r, Kind.DATA_CRC, crcDetail("data", storedDataCrc, actual));
        return;
      }
    }
    starts[r] = data;
    maskedDataCrcs[r] = storedDataCrc;
  }

  private RecordProblem newProblem(int r, Kind kind, String detail) {
    return new RecordProblem(shards.file(fileOf[r]), offsets[r], indexInFile[r], kind, detail);
  }

  private static String crcDetail(String what, int stored, int computed) {
    return what + " CRC mismatch (stored " + String.format("0x%08x", stored) + ", computed "
        + String.format("0x%08x", computed) + ")";
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
    return buffers[spanOf[r]];
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
   * Releases the chunk's reference to each span buffer it read; records a caller retained keep
   * theirs alive. Idempotent.
   */
  void release() {
    for (int s = 0; s < buffers.length; s++) {
      if (buffers[s] != null) {
        buffers[s].release();
        buffers[s] = null;
      }
    }
  }
}
