package dev.ingest.runtime.cache;

import dev.ingest.Batch;
import dev.ingest.MemoryBudgetException;
import dev.ingest.runtime.memory.MemoryBudget;
import dev.ingest.runtime.read.RecordCache;
import dev.ingest.runtime.read.RecordCursor;
import dev.ingest.tfrecord.example.BatchAssembler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * tf.data's {@code cache()} listed after {@code parse_example}: the rows that reach it, parsed and
 * transformed, as off-heap columns in the batch layout, so that later epochs run no reading,
 * parsing or transform upstream of it.
 *
 * <pre>
 *   filling:  segments (one per chunk, in ring order)   [ s0: rows of records (f2,#7) (f0,#3) ... ]
 *   sealed:   rows in (source file, record) order       row 0 = (f0,#0), row 1 = (f0,#2), ...
 *             per source file, one handle per record    f0: [ 0  -1  1  2 ... ]   (-1: filtered)
 * </pre>
 *
 * <p><b>Filling.</b> The parse workers copy each chunk's rows, as they reach the cache's position,
 * into a segment of their own; the batch stage hands the segments over in ring order ({@link
 * #add}), and the source counts each source file's records as it reads them ({@link
 * #recordsOf}). Once every record of the fill has been through, the source seals the cache
 * ({@link #seal}).
 *
 * <p><b>Sealed.</b> Every row has an id: its place in (source file, record) order. The source
 * replays each epoch's order over <em>handles</em> instead of records: for each source file, one
 * 8-byte record per record of the file, holding its row's id or -1 when a filter before the cache
 * dropped it ({@link #records()}, a {@link RecordCache} the interleave reads as it reads a record
 * cache), or it draws a permutation of the ids; the workers gather the rows named by the handles
 * into fresh chunks ({@link #appendRow}).
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * {@link #add} runs on the batch stage, {@link #recordsOf} and {@link #seal} on the source; they
 * synchronise on this object. Once sealed (a volatile write) nothing changes, so the workers read
 * it without locks. Its bytes count against the memory budget from the moment they are added to
 * {@link #release()}; a cache the budget cannot hold fails with {@link MemoryBudgetException}.
 */
public final class RowCache {
  /** The handle of a record that a filter before the cache dropped. */
  public static final long DROPPED = -1;
  /** Bytes of one handle record. */
  public static final int HANDLE_BYTES = Long.BYTES;

  private final List<Path> files;
  private final Map<Path, Integer> indexOf = new HashMap<>();
  private final ByteBufAllocator allocator;
  private final MemoryBudget budget;
  /** Records in each source file, as the source counted them; -1 while unknown. */
  private final long[] recordCounts;

  // Filling: segments in the order added, and each captured row's segment, place and origin.
  private final List<Batch> segments = new ArrayList<>();
  private int captured;
  private int[] capturedSegment = new int[1024];
  private int[] capturedRow = new int[1024];
  private int[] capturedFile = new int[1024];
  private long[] capturedRecord = new long[1024];
  private long[] capturedOffset = new long[1024];
  private volatile long bytes;
  /** Units whose rows were handed over so far (the batch stage's count, for the source's wait). */
  private volatile long unitsAdded;

  // Sealed.
  private volatile boolean sealed;
  private Batch[] segmentArray;
  private int rows;
  private int[] segmentOfRow;
  private int[] rowInSegment;
  private int[] fileOfRow;
  private long[] recordOfRow;
  private ByteBuf[] handles;
  private long[][] handleOffsets;
  private long handlesServed;
  /** Where added rows are written too (a cache in files), or {@code null}. */
  private Sink sink;

  /** Receives a cache's rows as they are added, and the news that it is sealed. */
  public interface Sink {
    /** Rows just added, with their origins (as {@link RowCache#add} got them). */
    void write(Batch segment, int[] sourceFiles, long[] records, long[] offsets)
        throws java.io.IOException;

    /** A unit that brought no rows (every record filtered): it still counts as one. */
    void skipped() throws java.io.IOException;

    /**
     * Every row is in and has its place; the rows can still be walked with {@link
     * RowCache#forEachSegment}.
     */
    void sealed(RowCache cache) throws java.io.IOException;
  }

  /** What {@link #forEachSegment} hands over: a segment's rows and their origins. */
  public interface SegmentVisitor {
    void visit(Batch segment, int[] sourceFiles, long[] records, long[] offsets)
        throws java.io.IOException;
  }

  /**
   * @param files the source files this shard reads, sorted: rows are ordered by their index here
   */
  public RowCache(List<Path> files, ByteBufAllocator allocator, MemoryBudget budget) {
    this.files = List.copyOf(files);
    for (int i = 0; i < this.files.size(); i++) {
      indexOf.put(this.files.get(i), i);
    }
    this.allocator = allocator;
    this.budget = budget;
    this.recordCounts = new long[files.size()];
    Arrays.fill(recordCounts, -1);
  }

  /** The source files, in the order rows are kept. */
  public List<Path> files() {
    return files;
  }

  /** The index of {@code file} among {@link #files()}; -1 if it is not one of them. */
  public int indexOf(Path file) {
    Integer index = indexOf.get(file);
    return index == null ? -1 : index;
  }

  /** Bytes the cache holds (and the memory budget counts). */
  public long bytes() {
    return bytes;
  }

  public boolean sealed() {
    return sealed;
  }

  /** Rows cached; valid once sealed. */
  public int rows() {
    return rows;
  }

  /** The memory budget's limit, which the cache's bytes count against. */
  public long budgetLimit() {
    return budget.limit();
  }

  /** Rows added so far. */
  public synchronized long rowsAdded() {
    return captured;
  }

  /** Units handed over by {@link #add} (or {@link #skipUnit}) so far. */
  public long unitsAdded() {
    return unitsAdded;
  }

  /**
   * Keeps {@code segment}'s rows (the cache owns the segment from here), whose origins are in the
   * arrays' first {@code segment.rows()} entries.
   *
   * @throws MemoryBudgetException when the rows would take the cache past the memory budget
   */
  public synchronized void add(Batch segment, int[] sourceFiles, long[] records, long[] offsets) {
    if (sealed) {
      segment.release();
      throw new IllegalStateException("the row cache is sealed");
    }
    long size = segment.memoryBytes();
    if (bytes + size > budget.limit()) {
      segment.release();
      throw new MemoryBudgetException("the memory budget of " + budget.limit()
          + " bytes cannot hold the cache of rows: " + (bytes + size) + " bytes after "
          + (captured + segment.rows()) + " rows, with more to come; raise"
          + " options.memory_budget, or cache fewer features or rows (a filter before the cache)");
    }
    budget.holdForLife(size);
    bytes += size;
    int index = segments.size();
    segments.add(segment);
    for (int r = 0; r < segment.rows(); r++) {
      keepOrigin(index, r, sourceFiles[r], records[r], offsets[r]);
    }
    if (sink != null) {
      try {
        sink.write(segment, sourceFiles, records, offsets);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot write the cache of rows: " + e.getMessage(),
            e);
      }
    }
    unitsAdded++;
  }

  /** Writes every row added from now on to {@code sink} as well, and tells it of the seal. */
  public synchronized void sendTo(Sink sink) {
    this.sink = sink;
  }

  /** Counts a unit that brought no rows to the cache (every record filtered, or none read). */
  public synchronized void skipUnit() {
    if (sink != null) {
      try {
        sink.skipped();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot write the cache of rows: " + e.getMessage(),
            e);
      }
    }
    unitsAdded++;
  }

  /**
   * Says that the rows added so far are those of the fill's first {@code units} units (loaded
   * from a fill cut short, whose empty units brought no rows): the fill goes on after them.
   */
  public synchronized void countUnitsAdded(long units) {
    unitsAdded = units;
  }

  /**
   * Walks every segment, in the order added, with its rows' origins; while sealing (from {@link
   * Sink#sealed}) or before, when the origins are still kept.
   */
  public synchronized void forEachSegment(SegmentVisitor visitor) throws java.io.IOException {
    int row = 0;
    for (Batch segment : segments) {
      int rows = segment.rows();
      visitor.visit(segment, Arrays.copyOfRange(capturedFile, row, row + rows),
          Arrays.copyOfRange(capturedRecord, row, row + rows),
          Arrays.copyOfRange(capturedOffset, row, row + rows));
      row += rows;
    }
  }

  /** The source read {@code count} records of {@code file}, all of them. */
  public synchronized void recordsOf(Path file, long count) {
    int index = indexOf(file);
    if (index >= 0) {
      recordCounts[index] = count;
    }
  }

  /** Whether every source file's records were counted: a fill read them all. */
  public synchronized boolean everyFileCounted() {
    for (long count : recordCounts) {
      if (count < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Gives every row its id and builds the handles: from here the cache serves and never changes.
   * Called by the source once every unit of the fill was added.
   */
  public synchronized void seal() {
    if (!everyFileCounted()) {
      throw new IllegalStateException("the row cache cannot be sealed before every file is read");
    }
    int[][] capturedAt = new int[files.size()][];
    for (int f = 0; f < files.size(); f++) {
      capturedAt[f] = new int[Math.toIntExact(recordCounts[f])];
      Arrays.fill(capturedAt[f], -1);
    }
    for (int c = 0; c < captured; c++) {
      int[] at = capturedAt[capturedFile[c]];
      int record = Math.toIntExact(capturedRecord[c]);
      if (record >= at.length || at[record] >= 0) {
        throw new IllegalStateException("record " + record + " of " + files.get(capturedFile[c])
            + " reached the cache " + (record >= at.length ? "past the file's end" : "twice"));
      }
      at[record] = c;
    }
    rows = captured;
    segmentOfRow = new int[rows];
    rowInSegment = new int[rows];
    fileOfRow = new int[rows];
    recordOfRow = new long[rows];
    handles = new ByteBuf[files.size()];
    handleOffsets = new long[files.size()][];
    long handleBytes = 0;
    int id = 0;
    for (int f = 0; f < files.size(); f++) {
      int[] at = capturedAt[f];
      ByteBuf fileHandles = allocator.directBuffer(Math.max(1, at.length * HANDLE_BYTES));
      long[] offsets = new long[at.length];
      // A dropped record gets an offset one past the record before it: records are at least 16
      // bytes apart, so the offsets still rise strictly, as a checkpoint's sort needs.
      long lastOffset = -1;
      for (int record = 0; record < at.length; record++) {
        int c = at[record];
        if (c < 0) {
          fileHandles.writeLongLE(DROPPED);
          offsets[record] = ++lastOffset;
          continue;
        }
        segmentOfRow[id] = capturedSegment[c];
        rowInSegment[id] = capturedRow[c];
        fileOfRow[id] = f;
        recordOfRow[id] = record;
        fileHandles.writeLongLE(id);
        offsets[record] = lastOffset = capturedOffset[c];
        id++;
      }
      handles[f] = fileHandles;
      handleOffsets[f] = offsets;
      handleBytes += fileHandles.capacity();
    }
    if (id != rows) {
      throw new IllegalStateException(rows + " rows reached the cache, " + id + " have a place");
    }
    budget.holdForLife(handleBytes);
    bytes += handleBytes;
    segmentArray = segments.toArray(new Batch[0]);
    if (sink != null) {
      try {
        sink.sealed(this);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot complete the cache of rows: "
            + e.getMessage(), e);
      }
      sink = null;
    }
    // The capture arrays are not needed once every row has its place.
    capturedSegment = capturedRow = capturedFile = null;
    capturedRecord = capturedOffset = null;
    sealed = true;
  }

  /** Copies row {@code id} into {@code assembler}'s batch. */
  public void appendRow(BatchAssembler assembler, long id) {
    int row = (int) id;
    assembler.append(segmentArray[segmentOfRow[row]], rowInSegment[row]);
  }

  /** The source file of row {@code id}. */
  public Path fileOf(long id) {
    return files.get(fileOfRow[(int) id]);
  }

  /** The index of row {@code id}'s record in its source file. */
  public long recordOf(long id) {
    return recordOfRow[(int) id];
  }

  /** The byte offset of row {@code id}'s record in its source file. */
  public long offsetOf(long id) {
    return handleOffsets[fileOfRow[(int) id]][(int) recordOfRow[(int) id]];
  }

  /** The handle of record {@code record} of {@code file}: its row's id, or {@link #DROPPED}. */
  public long handle(Path file, long record) {
    int f = indexOf(file);
    if (f < 0 || record < 0 || record >= handleOffsets[f].length) {
      throw new IllegalArgumentException("the cache of rows has no record " + record + " of "
          + file);
    }
    return handles[f].getLongLE((int) record * HANDLE_BYTES);
  }

  /** The sealed cache's rows in order, segment by segment, for writing them out. */
  public List<Batch> segments() {
    return List.of(segmentArray);
  }

  /** Records in each source file, in {@link #files()} order, as counted by the fill. */
  public long[] recordCounts() {
    return recordCounts.clone();
  }

  /**
   * The handles as a {@link RecordCache} for the interleave: once sealed, each source file's
   * records are its handles; while filling, each file read whole is counted ({@link #recordsOf}).
   */
  public RecordCache records() {
    return new Handles();
  }

  /** Gives back every segment, the handles and their budget. */
  public synchronized void release() {
    segments.forEach(Batch::release);
    segments.clear();
    if (handles != null) {
      for (ByteBuf fileHandles : handles) {
        fileHandles.release();
      }
      handles = null;
    }
    budget.releaseHeldForLife(bytes);
    bytes = 0;
  }

  private void keepOrigin(int segment, int row, int file, long record, long offset) {
    if (captured == capturedSegment.length) {
      int capacity = captured * 2;
      capturedSegment = Arrays.copyOf(capturedSegment, capacity);
      capturedRow = Arrays.copyOf(capturedRow, capacity);
      capturedFile = Arrays.copyOf(capturedFile, capacity);
      capturedRecord = Arrays.copyOf(capturedRecord, capacity);
      capturedOffset = Arrays.copyOf(capturedOffset, capacity);
    }
    capturedSegment[captured] = segment;
    capturedRow[captured] = row;
    capturedFile[captured] = file;
    capturedRecord[captured] = record;
    capturedOffset[captured] = offset;
    captured++;
  }

  /** The view the interleave reads: see {@link #records()}. */
  private final class Handles implements RecordCache {
    @Override
    public RecordCursor cursor(Path file) {
      return sealed ? cursorAt(file, 0) : null;
    }

    @Override
    public RecordCursor cursorAt(Path file, long recordsBefore) {
      int f = indexOf(file);
      if (!sealed || f < 0) {
        return null;
      }
      return new HandleCursor(file, f, recordsBefore);
    }

    @Override
    public Filling fill(Path file) {
      return sealed ? null : new CountingFill(file);
    }

    @Override
    public long recordsServed() {
      return handlesServed;
    }

    @Override
    public void release() {
      // The cache outlives the source's view of it: the pipeline releases it.
    }
  }

  /** Counts a file's records as the source reads it during a fill. */
  private final class CountingFill implements RecordCache.Filling {
    private final Path file;
    private long count;

    CountingFill(Path file) {
      this.file = file;
    }

    @Override
    public void add(ByteBuf source, int start, int length, long fileOffset, int maskedCrc) {
      count++;
    }

    @Override
    public void complete() {
      recordsOf(file, count);
    }

    /** Rows are found by the index the reader gives each record it returns: count those. */
    @Override
    public void completeWithSkips() {
      complete();
    }

    @Override
    public void abandon() {}
  }

  /** One source file's handles, one 8-byte record per record of the file. */
  private final class HandleCursor implements RecordCursor {
    private final Path file;
    private final ByteBuf fileHandles;
    private final long[] offsets;
    private int next;
    private int at = -1;

    HandleCursor(Path file, int f, long recordsBefore) {
      this.file = file;
      this.fileHandles = handles[f];
      this.offsets = handleOffsets[f];
      if (recordsBefore < 0 || recordsBefore > offsets.length) {
        throw new IllegalArgumentException("the state resumes " + file + " after record "
            + recordsBefore + ", but the cache of rows has " + offsets.length + " of it");
      }
      this.next = (int) recordsBefore;
    }

    @Override
    public boolean advance() {
      if (next == offsets.length) {
        return false;
      }
      at = next++;
      handlesServed++;
      return true;
    }

    @Override
    public ByteBuf buffer() {
      return fileHandles;
    }

    @Override
    public int recordStart() {
      return at * HANDLE_BYTES;
    }

    @Override
    public int recordLength() {
      return HANDLE_BYTES;
    }

    @Override
    public Path file() {
      return file;
    }

    @Override
    public long recordOffset() {
      return offsets[at];
    }

    @Override
    public long recordsRead() {
      return next;
    }

    @Override
    public int recordMaskedDataCrc() {
      return 0;
    }

    @Override
    public boolean lendsBuffer() {
      return false;
    }

    @Override
    public void close() {}
  }
}
