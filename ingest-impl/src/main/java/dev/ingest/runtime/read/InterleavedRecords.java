package dev.ingest.runtime.read;

import dev.ingest.PipelineSpec.ShardBy;
import dev.ingest.PipelineSpec.SourceSpec;
import dev.ingest.SourceCheckpoint;
import dev.ingest.tfrecord.StoragePaths;
import dev.ingest.tfrecord.TFRecordFormat;
import dev.ingest.tfrecord.TFRecordReaderOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * One epoch's records, interleaved as tf.data's {@code interleave} does: {@code cycleLength} files
 * open at once, {@code blockLength} records from each in turn; when a file ends, the next file
 * takes its place in the cycle. Record sharding keeps every {@code numShards}-th record of this
 * order. The order depends only on the file list, so it is the same on every run.
 *
 * <p>After {@link #advance()} the record is {@link #length()} bytes of {@link #buffer()} from
 * {@link #start()}, valid until the next call (retain a slice to keep it). Confined to the source
 * thread; {@link #close()} closes every open reader.
 *
 * <p>Its position (next file, slot, block and shard turns, and each slot's file offset) goes
 * into a {@link SourceCheckpoint} ({@link #nextFile()} and the other getters, {@link
 * #captureCycle}); the constructor that takes a checkpoint opens each slot's file at its offset
 * and continues exactly as the interleave that was captured would have.
 */
public final class InterleavedRecords implements AutoCloseable {
  private final List<Path> files;
  private final TFRecordReaderOptions options;
  private final int blockLength;
  private final int numShards;
  private final int shardIndex;
  private final RecordCursor[] cycle;
  /** Per slot: its file's index in {@link #files}, and where (offset, records before) it opened. */
  private final int[] cycleFiles;
  private final long[] openedAt;
  private final long[] openedAfter;
  /** Where whole files already read are replayed from, and new ones copied to; may be null. */
  private final RecordCache cache;
  /** The reader threads that read files ahead ({@code num_parallel_calls}); null: read here. */
  private final ReaderPool readers;
  private final ByteBufAllocator allocator;
  private final BooleanSupplier halted;
  private int nextFile;
  private int slot;
  private int takenFromSlot;
  /** Position in the interleaved order modulo {@code numShards}, kept so as not to divide. */
  private int shardTurn;
  /**
   * Files {@code nextFile}, {@code nextFile + 1}, ... opened ahead of their turn, in order (see
   * {@link #prefetch()}); empty when none are.
   */
  private final ArrayDeque<RecordCursor> prefetched = new ArrayDeque<>();
  private RecordCursor current;
  private int currentFile;

  /**
   * @param cache replays files read whole before and caches the others; {@code null}: none
   * @param readers reads files ahead on its threads; {@code null}: files are read on this thread
   * @param halted true once the pipeline shuts down (stops waiting for read-ahead blocks)
   */
  public InterleavedRecords(List<Path> files, SourceSpec source, TFRecordReaderOptions options,
      RecordCache cache, ReaderPool readers, ByteBufAllocator allocator, BooleanSupplier halted) {
    this.cache = cache;
    this.readers = readers;
    this.allocator = allocator;
    this.halted = halted;
    this.files = files;
    this.options = options;
    this.blockLength = source.blockLength();
    boolean byRecord = source.shardBy() == ShardBy.RECORD;
    this.numShards = byRecord ? source.numShards() : 1;
    this.shardIndex = byRecord ? source.shardIndex() : 0;
    this.cycle = new RecordCursor[Math.min(source.cycleLength(), Math.max(files.size(), 1))];
    this.cycleFiles = new int[cycle.length];
    this.openedAt = new long[cycle.length];
    this.openedAfter = new long[cycle.length];
  }

  /**
   * The interleave a checkpoint captured, in the same epoch's file list: each slot's file opened
   * at its offset (plain files seek; compressed files skip forward to it).
   */
  public InterleavedRecords(List<Path> files, SourceSpec source, TFRecordReaderOptions options,
      RecordCache cache, ReaderPool readers, ByteBufAllocator allocator, BooleanSupplier halted,
      SourceCheckpoint checkpoint) throws IOException {
    this(files, source, options, cache, readers, allocator, halted);
    if (checkpoint.cycleLength() != cycle.length || checkpoint.nextFile() > files.size()) {
      throw new IllegalArgumentException("the checkpoint's interleave (" + checkpoint.cycleLength()
          + " slots, next file " + checkpoint.nextFile() + ") does not fit this pipeline's ("
          + cycle.length + " slots over " + files.size() + " files)");
    }
    nextFile = checkpoint.nextFile();
    slot = checkpoint.slot();
    takenFromSlot = checkpoint.takenFromSlot();
    shardTurn = checkpoint.shardTurn();
    try {
      for (int i = 0; i < cycle.length; i++) {
        int file = checkpoint.cycleFile(i);
        if (file >= 0) {
          if (file >= files.size()) {
            throw new IllegalArgumentException("the checkpoint's cycle slot " + i + " reads file "
                + file + " of " + files.size());
          }
          cycle[i] = openAt(files.get(file), checkpoint.cycleOffset(i),
              checkpoint.cycleRecords(i));
          cycleFiles[i] = file;
          openedAt[i] = checkpoint.cycleOffset(i);
          openedAfter[i] = checkpoint.cycleRecords(i);
        }
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Moves to this shard's next record; false when the epoch has no more. */
  public boolean advance() throws IOException {
    while (true) {
      if (!advanceAny()) {
        return false;
      }
      boolean ours = shardTurn == shardIndex;
      shardTurn = shardTurn + 1 == numShards ? 0 : shardTurn + 1;
      if (ours) {
        return true;
      }
    }
  }

  private boolean advanceAny() throws IOException {
    for (int emptySlotsSeen = 0; emptySlotsSeen <= cycle.length; ) {
      if (takenFromSlot == blockLength) {
        moveToNextSlot();
      }
      RecordCursor reader = cycle[slot];
      if (reader == null && nextFile < files.size()) {
        cycleFiles[slot] = nextFile;
        openedAt[slot] = 0;
        openedAfter[slot] = 0;
        reader = openNext();
        cycle[slot] = reader;
      }
      if (reader == null) {
        emptySlotsSeen++;
        moveToNextSlot();
        continue;
      }
      if (reader.advance()) {
        takenFromSlot++;
        current = reader;
        currentFile = cycleFiles[slot];
        return true;
      }
      reader.close();
      cycle[slot] = null;
      // The slot's next file starts a fresh block in the same turn.
      takenFromSlot = 0;
      if (nextFile >= files.size()) {
        emptySlotsSeen++;
        moveToNextSlot();
      }
    }
    return false;
  }

  /**
   * Opens file {@code nextFile} (or takes it from {@link #prefetched}) and moves past it, then
   * opens the ones after it ahead of their turn where that hides a store's latency.
   */
  private RecordCursor openNext() throws IOException {
    RecordCursor reader = prefetched.isEmpty() ? open(files.get(nextFile)) : prefetched.poll();
    nextFile++;
    try {
      prefetch();
    } catch (IOException | RuntimeException e) {
      // Neither in the cycle nor among the prefetched yet: close() would not see it.
      try {
        reader.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return reader;
  }

  /**
   * Opens the next {@link #prefetchFiles(int)} files of the order before a slot needs them, when
   * they lie in an object store: opening one has its channel ask for its first blocks at once (a
   * reader thread, where there are some, reads them on) while the cycle's files are still read,
   * so no slot waits for a first byte: neither the cycle's own slots at the start of an epoch
   * (they open one by one, as their turns come) nor a slot whose file ended. The order of the
   * records is unchanged (each file is taken when its turn comes), and the state does not name
   * these files (a resume opens them again). Not with a cache, whose fills follow the order in
   * which files are opened; not for local files, whose first bytes come at once.
   */
  private void prefetch() throws IOException {
    if (cache != null) {
      return;
    }
    int ahead = prefetchFiles(cycle.length);
    while (prefetched.size() < ahead && nextFile + prefetched.size() < files.size()) {
      Path file = files.get(nextFile + prefetched.size());
      if (StoragePaths.isLocal(file)) {
        return;
      }
      prefetched.add(open(file));
    }
  }

  /** Files opened ahead of their turn from an object store: a cycle's. */
  public static int prefetchFiles(int cycleLength) {
    return cycleLength;
  }

  private RecordCursor open(Path file) throws IOException {
    RecordCursor cached = cache == null ? null : cache.cursor(file);
    if (cached != null) {
      return cached;
    }
    RecordCache.Filling filling = cache == null ? null : cache.fill(file);
    if (readers == null) {
      return new FileCursor(file, options, filling);
    }
    ReadAheadCursor cursor = new ReadAheadCursor(file, options, 0, 0, allocator, filling, halted);
    readers.add(cursor);
    return cursor;
  }

  /**
   * A file entered at a checkpoint's offset (it fills no cache: it is not read whole), or at its
   * record from a cache that serves it so.
   */
  private RecordCursor openAt(Path file, long offset, long recordsBefore) throws IOException {
    RecordCursor cached = cache == null ? null : cache.cursorAt(file, recordsBefore);
    if (cached != null) {
      return cached;
    }
    if (readers == null) {
      return FileCursor.at(file, options, offset, recordsBefore);
    }
    ReadAheadCursor cursor =
        new ReadAheadCursor(file, options, offset, recordsBefore, allocator, null, halted);
    readers.add(cursor);
    return cursor;
  }

  private void moveToNextSlot() {
    slot = (slot + 1) % cycle.length;
    takenFromSlot = 0;
  }

  /** Index in the epoch's file list of the current record's file. */
  public int fileIndex() {
    return currentFile;
  }

  public int nextFile() {
    return nextFile;
  }

  public int slot() {
    return slot;
  }

  public int takenFromSlot() {
    return takenFromSlot;
  }

  public int shardTurn() {
    return shardTurn;
  }

  public int cycleLength() {
    return cycle.length;
  }

  /**
   * Writes, per cycle slot, its file's index (-1 for an empty slot), the offset of its next record
   * and the records read before that: where a resumed interleave reopens it.
   */
  public void captureCycle(int[] files, long[] offsets, long[] recordsBefore) {
    for (int i = 0; i < cycle.length; i++) {
      RecordCursor reader = cycle[i];
      if (reader == null) {
        files[i] = -1;
        continue;
      }
      files[i] = cycleFiles[i];
      if (reader.recordsRead() > openedAfter[i]) {
        offsets[i] = reader.recordOffset() + TFRecordFormat.FRAMING_BYTES + reader.recordLength();
        recordsBefore[i] = reader.recordsRead();
      } else {
        offsets[i] = openedAt[i];
        recordsBefore[i] = openedAfter[i];
      }
    }
  }

  public ByteBuf buffer() {
    return current.buffer();
  }

  /** Whether the record's buffer may be retained past the next advance (see RecordCursor). */
  public boolean lendsBuffer() {
    return current.lendsBuffer();
  }

  public int start() {
    return current.recordStart();
  }

  public int length() {
    return current.recordLength();
  }

  public Path file() {
    return current.file();
  }

  public long offset() {
    return current.recordOffset();
  }

  /** The record's stored masked data CRC (checked by the reader unless its options defer it). */
  public int maskedDataCrc() {
    return current.recordMaskedDataCrc();
  }

  /** Index of the record in its file, counting the records returned before it. */
  public long indexInFile() {
    return current.recordsRead() - 1;
  }

  /** Closes every open reader. */
  @Override
  public void close() throws IOException {
    IOException failure = null;
    for (int i = 0; i < cycle.length; i++) {
      if (cycle[i] != null) {
        try {
          cycle[i].close();
        } catch (IOException e) {
          failure = failure == null ? e : failure;
        }
        cycle[i] = null;
      }
    }
    for (RecordCursor ahead : prefetched) {
      try {
        ahead.close();
      } catch (IOException e) {
        failure = failure == null ? e : failure;
      }
    }
    prefetched.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
