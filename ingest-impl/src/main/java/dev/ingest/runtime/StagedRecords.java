package dev.ingest.runtime;

import dev.ingest.CorruptRecordException;
import dev.ingest.tfrecord.MaskedCrc32c;
import dev.ingest.tfrecord.TFRecordReader;
import dev.ingest.tfrecord.example.SerializedRecords;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The serialized records of one batch, copied back to back into one pooled direct buffer (the
 * arena) that is kept and reused batch after batch. Copying each record once here, on the source
 * thread, lets the readers reuse their read buffers at once and keeps memory proportional to the
 * batches in flight; holding zero-copy slices instead pins whole read buffers for as long as any
 * of their records waits, which made Netty's pool allocate and free chunks continuously.
 *
 * <p>A record's data CRC is either checked before the record comes here ({@link #add}) or left
 * for {@link #checkDataCrcs} ({@link #addUnchecked}, which keeps the stored CRC): the parse
 * worker then checks it over the arena's copy, in parallel with the source, on bytes its core is
 * about to parse anyway. The source decides per record (by its size), so a batch may mix both.
 *
 * <p>Owned by one slot of the ring and handed between threads with the slot; {@link #release()}
 * gives the arena back at shutdown.
 */
final class StagedRecords {
  private final SerializedRecords records;
  private final ByteBuf arena;
  /** The records added with {@link #addUnchecked}, in order, and the masked CRC stored for each. */
  private int[] uncheckedIndexes;
  private int[] storedDataCrcs;
  private int uncheckedRecords;

  StagedRecords(ByteBufAllocator allocator, int batchSize) {
    this.records = new SerializedRecords(batchSize);
    this.arena = allocator.directBuffer(64 * 1024);
    this.uncheckedIndexes = new int[Math.max(batchSize, 1)];
    this.storedDataCrcs = new int[Math.max(batchSize, 1)];
  }

  /**
   * Copies {@code length} bytes of {@code source} from {@code start} in as the next record, one
   * whose data CRC was checked already (or is not to be checked).
   */
  void add(ByteBuf source, int start, int length, Path file, long offset, long index) {
    // Growing keeps the arena object and moves its memory, so the records' indexes stay valid.
    arena.ensureWritable(length);
    records.add(arena, arena.writerIndex(), length, file, offset, index);
    arena.writeBytes(source, start, length);
  }

  /**
   * As {@link #add}, for a record whose data CRC the reader left unchecked: {@link
   * #checkDataCrcs} compares its bytes with {@code storedMaskedDataCrc}.
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
    add(source, start, length, file, offset, index);
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
    return arena.writerIndex();
  }

  /** The records as the parser takes them; valid until {@link #clear()}. */
  SerializedRecords records() {
    return records;
  }

  /** Forgets the records; the arena stays for the next batch. */
  void clear() {
    records.clear();
    arena.clear();
    uncheckedRecords = 0;
  }

  void release() {
    clear();
    arena.release();
  }
}
