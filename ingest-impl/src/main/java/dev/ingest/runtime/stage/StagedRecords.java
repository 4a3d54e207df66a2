package dev.ingest.runtime.stage;

import dev.ingest.CorruptRecordException;
import dev.ingest.runtime.read.RecordCursor;
import dev.ingest.tfrecord.DirectMemory;
import dev.ingest.tfrecord.MaskedCrc32c;
import dev.ingest.tfrecord.TFRecordReader;
import dev.ingest.tfrecord.example.SerializedRecords;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The serialized records of one batch, each either borrowed where it was read or copied into one
 * pooled direct buffer (the arena) that is kept and reused batch after batch.
 *
 * <p><b>Borrowed</b> records ({@code borrow} true) stay in the buffer their cursor read them
 * into, which this retains (once per run of records in the same buffer) until {@link #clear()}:
 * the source then copies nothing. Only cursors that leave a held buffer alone lend theirs
 * ({@link RecordCursor#lendsBuffer()}: a {@link TFRecordReader} reads on into a fresh buffer
 * from the pipeline's pool). {@link #clear()}, on the parse worker, gives a buffer back to that
 * pool when it drops the last reference ({@link DirectMemory#giveBack}). Without the pool, held
 * read buffers made Netty allocate and free 4 MiB chunks continuously; with it, a buffer goes
 * from the reader to the batches and back.
 *
 * <p><b>Copied</b> records go into the arena: those from read-ahead blocks and from the cache,
 * which are reused regardless of holders, and those from the shuffle buffer.
 *
 * <p>A record's data CRC is either checked before the record comes here ({@link #add}) or left
 * for {@link #checkDataCrcs} ({@link #addUnchecked}, which keeps the stored CRC and always
 * copies): the parse worker then checks it over the arena's copy, in parallel with the source,
 * on bytes its core is about to parse anyway. The source decides per record (by its size), so a
 * batch may mix both.
 *
 * <p>Owned by one slot of the ring and handed between threads with the slot; {@link #release()}
 * gives the arena back at shutdown.
 */
final class StagedRecords {
  private final SerializedRecords records;
  private final ByteBuf arena;
  /** Where a borrowed buffer goes when this holds its last reference. */
  private final DirectMemory readBuffers;
  /** The buffers borrowed records lie in, each retained once per entry here. */
  private ByteBuf[] borrowed = new ByteBuf[8];
  private int borrowedCount;
  private long borrowedBytes;
  /** The records added with {@link #addUnchecked}, in order, and the masked CRC stored for each. */
  private int[] uncheckedIndexes;
  private int[] storedDataCrcs;
  private int uncheckedRecords;

  /**
   * @param readBuffers the pool the buffers of borrowed records came from: they go back there when
   *     this drops the last reference to one
   */
  StagedRecords(ByteBufAllocator allocator, DirectMemory readBuffers, int batchSize) {
    this.records = new SerializedRecords(batchSize);
    this.arena = allocator.directBuffer(64 * 1024);
    this.readBuffers = readBuffers;
    this.uncheckedIndexes = new int[Math.max(batchSize, 1)];
    this.storedDataCrcs = new int[Math.max(batchSize, 1)];
  }

  /**
   * Adds {@code length} bytes of {@code source} from {@code start} as the next record, one whose
   * data CRC was checked already (or is not to be checked): borrowed in {@code source} (retained
   * until {@link #clear()}) or copied into the arena.
   */
  void add(ByteBuf source, int start, int length, Path file, long offset, long index,
      boolean borrow) {
    if (!borrow) {
      // Growing keeps the arena object and moves its memory, so the records' indexes stay valid.
      arena.ensureWritable(length);
      records.add(arena, arena.writerIndex(), length, file, offset, index);
      arena.writeBytes(source, start, length);
      return;
    }
    if (borrowedCount == 0 || borrowed[borrowedCount - 1] != source) {
      if (borrowedCount == borrowed.length) {
        borrowed = Arrays.copyOf(borrowed, 2 * borrowedCount);
      }
      borrowed[borrowedCount++] = source.retain();
    }
    borrowedBytes += length;
    records.add(source, start, length, file, offset, index);
  }

  /**
   * Copies in a record whose data CRC the reader left unchecked: {@link #checkDataCrcs} compares
   * its bytes in the arena with {@code storedMaskedDataCrc}.
   */
  void addUnchecked(ByteBuf source, int start, int length, Path file, long offset, long index,
      int storedMaskedDataCrc) {
    if (uncheckedRecords == storedDataCrcs.length) {
      uncheckedIndexes = Arrays.copyOf(uncheckedIndexes, uncheckedRecords * 2);
      storedDataCrcs = Arrays.copyOf(storedDataCrcs, uncheckedRecords * 2);
    }
    uncheckedIndexes[uncheckedRecords] = records.size();
    storedDataCrcs[uncheckedRecords] = storedMaskedDataCrc;
    uncheckedRecords++;
    add(source, start, length, file, offset, index, false);
  }

  /**
   * Checks the data CRC of every record added with {@link #addUnchecked}, over its copy in the
   * arena, with {@code crc} as scratch state. Returns the failure of the first record whose bytes
   * do not match, the same problem its reader would have thrown, or {@code null} when all match
   * (or none was left unchecked). Allocates nothing unless a record is corrupt.
   */
  CorruptRecordException checkDataCrcs(CRC32C crc) {
    for (int i = 0; i < uncheckedRecords; i++) {
      int record = uncheckedIndexes[i];
      int computed = MaskedCrc32c.of(
          crc, arena.internalNioBuffer(records.start(record), records.length(record)));
      if (computed != storedDataCrcs[i]) {
        return new CorruptRecordException(TFRecordReader.dataCrcProblem(records.file(record),
            records.offset(record), records.index(record), storedDataCrcs[i], computed));
      }
    }
    return null;
  }

  int size() {
    return records.size();
  }

  /** Serialized bytes of the records added since the last {@link #clear()}. */
  long bytes() {
    return arena.writerIndex() + borrowedBytes;
  }

  /** The records as the parser takes them; valid until {@link #clear()}. */
  SerializedRecords records() {
    return records;
  }

  /** Forgets the records and gives back the buffers they borrowed; the arena stays. */
  void clear() {
    records.clear();
    arena.clear();
    uncheckedRecords = 0;
    for (int i = 0; i < borrowedCount; i++) {
      readBuffers.giveBack(borrowed[i]);
      borrowed[i] = null;
    }
    borrowedCount = 0;
    borrowedBytes = 0;
  }

  void release() {
    clear();
    arena.release();
  }
}
