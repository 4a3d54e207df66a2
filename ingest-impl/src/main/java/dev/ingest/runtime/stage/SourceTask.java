package dev.ingest.runtime.stage;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import dev.ingest.CorruptRecordException;
import dev.ingest.CorruptionPolicy;
import dev.ingest.PipelineSpec;
import dev.ingest.ShufflePositions;
import dev.ingest.SourceCheckpoint;
import dev.ingest.runtime.cache.RecordCaches;
import dev.ingest.runtime.cache.RowCache;
import dev.ingest.runtime.cache.RowCacheFiles;
import dev.ingest.runtime.concurrent.Backoff;
import dev.ingest.runtime.memory.MemoryBudget;
import dev.ingest.runtime.metrics.FlightEvents;
import dev.ingest.runtime.metrics.Stage;
import dev.ingest.runtime.metrics.StageClock;
import dev.ingest.runtime.metrics.StageWaitEvent;
import dev.ingest.runtime.read.CoalescedReads;
import dev.ingest.runtime.read.CoalescedRecords;
import dev.ingest.runtime.read.EpochFiles;
import dev.ingest.runtime.read.IndexedShards;
import dev.ingest.runtime.read.InterleavedRecords;
import dev.ingest.runtime.read.MappedRecords;
import dev.ingest.runtime.read.OrderedRecords;
import dev.ingest.runtime.read.ReadAheadCursor;
import dev.ingest.runtime.read.ReaderPool;
import dev.ingest.runtime.read.RecordCache;
import dev.ingest.runtime.shuffle.GlobalOrder;
import dev.ingest.runtime.shuffle.RecordShuffleBuffer;
import dev.ingest.runtime.shuffle.RowPermutation;
import dev.ingest.runtime.shuffle.Seeds;
import dev.ingest.runtime.shuffle.TrainerSlice;
import dev.ingest.runtime.tune.TunedSettings;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.DirectMemory;
import dev.ingest.tfrecord.MaskedCrc32c;
import dev.ingest.tfrecord.StoragePaths;
import dev.ingest.tfrecord.TFRecordReader;
import dev.ingest.tfrecord.TFRecordReaderOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongUnaryOperator;
import java.util.zip.CRC32C;

/**
 * The source stage, on its own thread: for each epoch, the shard's files in their epoch order,
 * interleaved, through the shuffle buffer, grouped into units of {@code batchSize} records that
 * it publishes to the ring for the parse workers (whole batches, or chunks that a {@link
 * BatchAssemblyTask} turns into batches when filters drop records). A record of {@link
 * #BORROW_FROM_BYTES} or more read on this thread is borrowed where the reader read it (the unit
 * holds the read buffer; the reader goes on in another, see {@link StagedRecords}); others are
 * copied into the unit's arena (and, when shuffling, first into their shuffle buffer slot's
 * own buffer while they wait there: see {@link RecordShuffleBuffer}).
 *
 * <p>Under the {@code fail} policy the readers check each record's framing and length CRC but leave
 * its data CRC to the parse worker that takes the record's batch (a pass over bytes that worker is
 * about to parse, done in parallel instead of on this one thread); the stored CRC travels with the
 * record. Records of {@link #CHECK_HERE_FROM_BYTES} or more are checked here instead, as they are
 * staged, with the same failure. A mismatch then fails the batch, as the read stage, with the
 * reader's own problem. Under {@code skip} the readers check it here: skipping decides which
 * records make up a batch. Records that leave unparsed (skipped batches, a dropped remainder) are
 * checked here.
 *
 * <h2>A cache of rows</h2>
 *
 * With {@code cache} after {@code parse_example} ({@link RowCache}), the epoch that first reads
 * the files whole fills the cache as it goes: its units are parsed as usual and their rows are
 * copied into the cache too; at its end this thread waits for the batch stage to have handed
 * every unit's rows over, and seals the cache. Later epochs replay the same order over 8-byte
 * handles naming cached rows (the interleave reads them as it reads a record cache), or, with a
 * shuffle after the cache, stage the handles of a seeded permutation of all rows, with a
 * checkpoint on every unit. When the first epoch cannot fill as it goes (a permutation needs
 * every row first, a resumed epoch is not read whole, record sharding needs every record), a
 * fill that delivers nothing runs first.
 *
 * <h2>A global shuffle</h2>
 *
 * With {@code shuffle: {mode: global}} there is no interleave and no shuffle buffer: each epoch is
 * a seeded order over every record of every shard ({@link GlobalOrder}), this trainer takes its
 * slice of each global batch of it ({@link TrainerSlice}), and the records are read where the
 * shards' record indexes say: in place from mapped local files ({@link MappedRecords}), or in
 * coalesced reads on their own threads ({@link CoalescedRecords}) from a store or when reader
 * threads are asked for.
 * Every unit carries a checkpoint naming its epoch and global batch, all a resumed run needs.
 *
 * <h2>Checkpoints</h2>
 *
 * At the start of each epoch, and at a unit boundary once {@link #checkpointRecords} records were
 * staged since the last, it captures a {@link SourceCheckpoint} (the interleave's file offsets,
 * the shuffle buffer's record positions, sorted first, and its generator) and attaches it to the
 * next unit it publishes, so the consumer knows the last checkpoint before each batch. The
 * points depend on the spec alone, never on threads or timing, so every run, resumed or not,
 * takes the same ones and sorts its buffer at the same moments. Started from a checkpoint, it
 * reopens the files at their offsets and re-reads the buffered records from their positions.
 *
 * <p>A full ring makes it wait (parking, checking for shutdown), so a slow consumer bounds the
 * records in flight instead of growing memory; so does the tuner's softer limit on units in
 * flight, and it stamps each unit with the parse worker that owns it ({@link TunedSettings}).
 * Whatever it holds when it stops (normally, on failure or on shutdown) it releases; it ends the
 * stream with an end or error unit.
 */
public final class SourceTask implements Runnable {
  /**
   * Records at least this long have their deferred data CRC checked here, as they are staged,
   * not by the parse worker (see the class comment). Why: here the bytes are in this core's cache,
   * just read, and on the worker they are a first pass over an arena another core wrote; with
   * image records (3 KiB) checking here took 470 ns per record off the worker and added 200 to
   * this thread, while below about a kilobyte (text, tabular) the two were even or the worker
   * ahead. {@code StageCpuProbe} (benchmarks) measures each stage's CPU per record.
   */
  public static final int CHECK_HERE_FROM_BYTES = 2048;
  /**
   * Records at least this long stay in their read buffer when the cursor lends it ({@link
   * StagedRecords}); shorter ones are copied into the unit's arena, as is any record whose data
   * CRC is left to the worker (under {@link #CHECK_HERE_FROM_BYTES}). Why: a borrowed read buffer
   * is kept until its units are parsed, so the reader goes on in another one, no longer in its
   * core's cache, and a short record's copy costs less than that. Borrowing took 9% off the
   * source's CPU per image record (3 KiB) and 11% off the workers', but with tabular records (170
   * bytes) all borrowed the workers spent 10-20% more per record; {@code StageCpuProbe}
   * (benchmarks) measures it.
   */
  static final int BORROW_FROM_BYTES = 2048;
  /** The longest the source parks between looks at a full budget (a slow consumer frees bytes). */
  private static final long FULL_BUDGET_MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final PipelineSpec spec;
  private final List<Path> files;
  /** Whether some of {@link #files} lie in an object store (see {@link StoragePaths}). */
  private final boolean remoteFiles;
  private final RingBuffer<WorkUnit> ring;
  private final BooleanSupplier halted;
  private final AtomicLong skippedRecords;
  private final AtomicLong skippedFiles;
  private final StageClock clock;
  private final ByteBufAllocator allocator;
  private final DirectMemory readBuffers;
  private final RecordShuffleBuffer shuffle;
  /** Encodes the shuffle buffer's positions at each checkpoint (its scratch kept between them). */
  private final ShufflePositions.Writer shufflePositions = new ShufflePositions.Writer();
  /**
   * What the interleave reads through: the record cache ({@code cache()} before parsing, in
   * memory or in files), the cache of rows' handles, or {@code null}.
   */
  private final RecordCache cache;
  /** Every file's record index under a global shuffle, or {@code null}. */
  private final IndexedShards indexed;
  /** The cache of rows ({@code cache()} after parsing), or {@code null}. */
  private final RowCache rowCache;
  /** The files the cache of rows is kept in, or {@code null} (none, or in memory). */
  private final RowCacheFiles rowFiles;
  /** Where the rows of the units published now come from (see {@link WorkUnit.Rows}). */
  private WorkUnit.Rows unitRows = WorkUnit.Rows.PARSE;
  /** Units published so far that bring rows to the cache of rows (the fill waits for them). */
  private long unitsForCache;
  /** The epoch's order over the cache of rows when a shuffle follows it. */
  private final RowPermutation permutation = new RowPermutation();
  /** Holds the handle of the row being staged from the permutation. */
  private final ByteBuf handle;
  private final Backoff fullBudget = new Backoff(FULL_BUDGET_MAX_PARK_NANOS);
  private final RefillWait refillWait = new RefillWait();
  /** Batches to skip and to take, and whether to drop an epoch's short last unit, here. */
  private final long skip;
  private final long take;
  private final boolean dropRemainder;
  private final MemoryBudget budget;
  private final ResumePoint resume;
  /** Names the file list in checkpoints (see {@code FilesDigest} in the runtime package). */
  private final String filesDigest;
  /**
   * Records staged between checkpoints: two shuffle buffers' worth (a checkpoint sorts and copies
   * the buffer, so this keeps that cost to about one position per record), or every unit without
   * a shuffle buffer (a checkpoint is then a few offsets).
   */
  private final long checkpointRecords;
  private long stagedSinceCheckpoint;
  /** The checkpoint the next published unit carries; null once carried. */
  private SourceCheckpoint pendingCheckpoint;
  /** This epoch's interleave, for checkpoints (still readable once closed at the epoch's end). */
  private InterleavedRecords interleave;
  /** The interleave's reader threads, or null when files are read on this thread. */
  private ReaderPool readers;
  /** How many reader threads to start (0: files are read on this thread). */
  private final int readerThreads;
  /** The tuner's settings: how many units may be in flight. */
  private final TunedSettings tuned;
  /** Whether this stage drops the batches a resumed consumer already had (else the batch stage). */
  private final boolean dropDelivered;
  /** Batches staged so far in this epoch, skipped ones included. */
  private long batchInEpoch;
  /** Budgeted bytes only this thread will give back: its shuffle buffer and the staged batch. */
  private long ownBytes;
  /** Whether the readers leave the data CRCs to the parse workers (see the class comment). */
  private final boolean deferDataCrcWhenReading;
  /** {@link #deferDataCrcWhenReading} while reading; false for handles, which have no CRC. */
  private boolean deferDataCrc;
  /** Scratch state for checking the records that leave unparsed. */
  private final CRC32C dataCrc = new CRC32C();
  private StagedRecords staging;
  private long publishedBatches;
  private long skippedBatches;
  /** The epoch being read; units carry it to the consumer. */
  private long epoch;

  /**
   * @param readBuffers where the readers' buffers come from and go back to at the end of each
   *     file (a pool that keeps them: see {@link TFRecordReaderOptions#readBuffers()})
   */
  public SourceTask(PipelineSpec spec, List<Path> files, RingBuffer<WorkUnit> ring,
      ByteBufAllocator allocator, DirectMemory readBuffers, BooleanSupplier halted,
      AtomicLong skippedRecords, AtomicLong skippedFiles, StageClock clock,
      boolean batchesDownstream, MemoryBudget budget, ResumePoint resume, String filesDigest,
      TunedSettings tuned) {
    this(spec, files, ring, allocator, readBuffers, halted, skippedRecords, skippedFiles, clock,
        batchesDownstream, budget, resume, filesDigest, tuned, null, null, null);
  }

  /**
   * As the other constructor, for a pipeline with a cache of rows ({@code rowCache}, which needs
   * {@code batchesDownstream}: its units are chunks that the batch stage makes batches of), or a
   * global shuffle over the record indexes of {@code indexed}.
   */
  public SourceTask(PipelineSpec spec, List<Path> files, RingBuffer<WorkUnit> ring,
      ByteBufAllocator allocator, DirectMemory readBuffers, BooleanSupplier halted,
      AtomicLong skippedRecords, AtomicLong skippedFiles, StageClock clock,
      boolean batchesDownstream, MemoryBudget budget, ResumePoint resume, String filesDigest,
      TunedSettings tuned, RowCache rowCache, RowCacheFiles rowFiles, IndexedShards indexed) {
    if (spec.shufflesGlobally() && indexed == null) {
      throw new IllegalArgumentException("a global shuffle reads through the files' indexes");
    }
    this.indexed = indexed;
    this.rowFiles = rowFiles;
    if (rowCache != null && !batchesDownstream) {
      throw new IllegalArgumentException("a cache of rows needs the batch stage");
    }
    this.rowCache = rowCache;
    this.tuned = tuned;
    this.readerThreads = spec.source().readerThreads(Runtime.getRuntime().availableProcessors());
    this.budget = budget;
    this.filesDigest = filesDigest;
    this.checkpointRecords = spec.shuffleBufferSize() > 0
        ? Math.max(2L * spec.shuffleBufferSize(), spec.batchSize()) : 1;
    this.resume = resume;
    this.spec = spec;
    this.files = files;
    this.remoteFiles = files.stream().anyMatch(file -> !StoragePaths.isLocal(file));
    this.ring = ring;
    this.halted = halted;
    this.skippedRecords = skippedRecords;
    this.skippedFiles = skippedFiles;
    this.clock = clock;
    this.allocator = allocator;
    this.readBuffers = readBuffers;
    this.shuffle = spec.shufflesRecords()
        ? new RecordShuffleBuffer(spec.shuffleBufferSize(), allocator) : null;
    this.staging = new StagedRecords(allocator, readBuffers, spec.batchSize());
    // Cached bytes stay for the pipeline's life: they join the bytes only this thread holds.
    this.cache = rowCache != null ? rowCache.records()
        : RecordCaches.of(spec, files, allocator, readBuffers, bytes -> reserve(bytes, "the cache"));
    this.handle = rowCache == null ? null : allocator.directBuffer(RowCache.HANDLE_BYTES);
    // When filters decide the batches downstream, units are chunks of records, not batches: the
    // assembler skips, takes and drops remainders in batches; every record must reach it.
    this.skip = batchesDownstream ? 0 : resume.skip();
    this.take = batchesDownstream ? -1 : resume.take();
    this.dropDelivered = !batchesDownstream;
    this.dropRemainder = !batchesDownstream && spec.dropRemainder();
    // With reader threads the data CRCs are checked there, in parallel already.
    this.deferDataCrcWhenReading = spec.source().verifyCrc()
        && spec.source().onCorrupt() == CorruptionPolicy.FAIL
        && readerThreads == 0;
    this.deferDataCrc = deferDataCrcWhenReading;
  }

  @Override
  public void run() {
    Throwable failure = null;
    try {
      if (spec.shufflesGlobally()) {
        globalEpochs(); // reads through its own coalescing readers, with their own budget
      } else if (reserveStoreReadAhead() && (readerThreads == 0 || startReaders())) {
        produce();
      }
    } catch (Throwable e) {
      failure = e;
    } finally {
      if (shuffle != null) {
        shuffle.releaseAll();
      }
      if (readers != null) {
        try {
          readers.close();
        } catch (RuntimeException e) {
          failure = failure == null ? e : failure;
        }
      }
    }
    finish(failure);
    clock.finish();
    staging.release();
    if (cache != null) {
      cache.release();
    }
    if (handle != null) {
      handle.release();
    }
    if (rowFiles != null) {
      rowFiles.close();
    }
  }

  /**
   * Budgets the ranged reads a remote file's channel keeps in flight, for every file that may be
   * open at once (the cycle's, and those opened ahead of their turn), before the first is opened;
   * false once the pipeline is shut down.
   */
  private boolean reserveStoreReadAhead() {
    if (!remoteFiles) {
      return true;
    }
    long perFile = spec.options().storage().readAhead().maxBytesInFlight();
    // The cycle's files, and those opened ahead of their turn.
    int cycle = spec.source().cycleLength();
    int openAtOnce = cycle + InterleavedRecords.prefetchFiles(cycle);
    return reserve(perFile * openAtOnce, "object store read-ahead");
  }

  /** Starts the interleave's reader threads; false once the pipeline is shut down. */
  private boolean startReaders() {
    // Every file open in the cycle, and those opened ahead of their turn from an object store,
    // may hold its read-ahead blocks: budget them up front.
    int cycle = spec.source().cycleLength();
    int cursors = cycle + (remoteFiles ? InterleavedRecords.prefetchFiles(cycle) : 0);
    if (!reserve(ReadAheadCursor.BYTES * cursors, "read-ahead blocks")) {
      return false;
    }
    readers = new ReaderPool(readerThreads, halted);
    return true;
  }

  private void produce() throws IOException {
    if (take == 0) {
      return; // publishBatch checks the limit only after publishing, so it would let one through.
    }
    TFRecordReaderOptions options = readerOptions();
    PipelineSpec.SourceSpec source = spec.source();
    long seed = spec.options().seed();
    SourceCheckpoint restore = resume.checkpoint();
    // A permutation needs every row before its first; a resumed epoch is not read whole; and with
    // record sharding each epoch's share is other records of the same files, so the cache needs
    // all of them. None of these can fill the cache of rows as it goes: fill it first, delivering
    // nothing.
    boolean shardsRecords = spec.source().shardBy() == PipelineSpec.ShardBy.RECORD
        && spec.source().numShards() > 1;
    boolean fillFirst = spec.permutesCachedRows() || restore != null || shardsRecords;
    if (rowFiles != null) {
      // A complete cache is loaded and sealed here; parts a fill first cut short left, loaded.
      rowFiles.open(rowCache, fillFirst);
    }
    if (rowCache != null && !rowCache.sealed() && fillFirst && !fillRowCache(options)) {
      return;
    }
    for (epoch = resume.startEpoch(); spec.epochs() == -1 || epoch < spec.epochs(); epoch++) {
      batchInEpoch = 0;
      if (rowCache != null && rowCache.sealed() && spec.permutesCachedRows()) {
        if (!permutedEpoch(restore)) {
          return;
        }
        restore = null;
        if (rowCache.rows() == 0) {
          return; // Nothing to repeat: an endless repeat of nothing would spin.
        }
        continue;
      }
      unitRows = rowCache == null ? WorkUnit.Rows.PARSE
          : rowCache.sealed() ? WorkUnit.Rows.FROM_CACHE : WorkUnit.Rows.PARSE_AND_CACHE;
      deferDataCrc = deferDataCrcWhenReading && unitRows != WorkUnit.Rows.FROM_CACHE;
      List<Path> epochFiles = EpochFiles.forEpoch(files, source, seed, epoch);
      if (shuffle != null) {
        long shuffleEpoch = spec.reshuffleEachIteration() ? epoch : 0;
        shuffle.startEpoch(Seeds.shuffle(seed, shuffleEpoch));
      }
      long recordsThisEpoch = 0;
      stagedSinceCheckpoint = 0;
      try (InterleavedRecords records = restore == null
          ? new InterleavedRecords(epochFiles, source, options, cache, readers, allocator, halted)
          : new InterleavedRecords(epochFiles, source, options, cache, readers, allocator, halted,
              restore)) {
        interleave = records;
        if (restore == null) {
          pendingCheckpoint = checkpoint();
        } else {
          // Mid-epoch: the units before the checkpoint were formed (and delivered) before.
          batchInEpoch = restore.unitInEpoch();
          recordsThisEpoch = restore.unitInEpoch() > 0 || restore.nextFile() > 0 ? 1 : 0;
          if (shuffle != null && !refillShuffle(restore, epochFiles, options)) {
            return;
          }
          pendingCheckpoint = restore;
          restore = null;
        }
        // Per record, a method call: this loop runs for a whole epoch, so the JIT compiles it
        // on the stack, and recompiled that version after epochs ended; the bodies it calls
        // compile as methods of their own.
        while (records.advance()) {
          recordsThisEpoch++;
          clock.addElements(1);
          if (!(shuffle == null ? addRead(records) : shuffleIn(records))) {
            return;
          }
        }
      }
      if (shuffle != null && !drainShuffle()) {
        return;
      }
      if (staging.size() > 0) {
        if (dropRemainder) {
          dropUnparsed();
        } else if (!publishBatch()) {
          return;
        }
      }
      if (unitRows == WorkUnit.Rows.PARSE_AND_CACHE && !sealRowCache()) {
        return;
      }
      if (recordsThisEpoch == 0) {
        return; // Nothing to repeat: an endless repeat of nothing would spin.
      }
    }
  }

  /** How every file of the pipeline is read and checked, and where its problems are counted. */
  private TFRecordReaderOptions readerOptions() {
    PipelineSpec.SourceSpec source = spec.source();
    return TFRecordReaderOptions.defaults()
        .withCompression(Compression.parse(source.compression()))
        .withVerifyCrc(source.verifyCrc())
        .withDeferredDataCrc(deferDataCrcWhenReading)
        .withOnCorrupt(source.onCorrupt())
        .withReadBuffers(readBuffers)
        .withReadAhead(spec.options().storage().readAhead())
        .withProblemListener(problem -> {
          skippedRecords.incrementAndGet();
          if (!problem.kind().framingIntact()) {
            skippedFiles.incrementAndGet();
          }
        });
  }

  /**
   * Every epoch under a global shuffle: this trainer's slice of each global batch ({@link
   * TrainerSlice}) of the epoch's seeded order over every record of every shard ({@link
   * GlobalOrder}), read where the shards' record indexes say ({@link IndexedShards}) in coalesced
   * reads ({@link CoalescedRecords}). Every unit carries a checkpoint, which is the epoch and the
   * global batch alone: a resumed run starts reading at the first batch its consumer has not had,
   * with any number of trainers.
   */
  private void globalEpochs() throws IOException {
    if (take == 0) {
      return; // formUnit checks the limit only after publishing, so it would let one through.
    }
    TFRecordReaderOptions options = readerOptions();
    PipelineSpec.GlobalShuffle global = spec.globalShuffle();
    IndexedShards shards = indexed;
    CoalescedReads reads = remoteFiles
        ? CoalescedReads.forStore(spec.options().storage().readAhead())
        : CoalescedReads.forLocal();
    // Local files small enough to map are read in place (MappedRecords); the others in coalesced
    // spans. Asking for reader threads (num_parallel_calls) asks for the spans.
    boolean inPlace = spec.source().numParallelCalls() == 0 && MappedRecords.fits(shards);
    if (spec.source().numParallelCalls() > 0) {
      // The interleave's reader threads, asked for, read the spans instead.
      reads = new CoalescedReads(reads.chunkRecords(), reads.chunkBytes(), reads.maxGapBytes(),
          reads.maxSpanBytes(), reads.depth(), spec.source().numParallelCalls());
    }
    if (!inPlace && !reserve(reads.maxBytesHeld(), "the global shuffle's reads")) {
      return;
    }
    PipelineSpec.SourceSpec source = spec.source();
    long seed = spec.options().seed();
    SourceCheckpoint restore = resume.checkpoint();
    // With filters (one trainer) or invalid records skipped, the batch stage makes batches of the
    // rows kept and drops the epoch's short last one itself: every record must reach it.
    boolean dropShortLast = spec.dropRemainder() && !spec.dropsRows();
    for (epoch = resume.startEpoch(); spec.epochs() == -1 || epoch < spec.epochs(); epoch++) {
      TrainerSlice slice = new TrainerSlice(shards.records(), spec.batchSize(),
          source.numShards(), source.shardIndex(), dropShortLast);
      long orderEpoch = spec.reshuffleEachIteration() ? epoch : 0;
      GlobalOrder order = global.window() == 0
          ? GlobalOrder.global(shards.records(), seed, orderEpoch)
          : GlobalOrder.windowed(shards.records(), global.window(), seed, orderEpoch);
      batchInEpoch = 0;
      if (restore != null) {
        batchInEpoch = restore.unitInEpoch();
        if (dropDelivered && resume.alreadyDelivered(epoch, batchInEpoch)) {
          // Units are batches here, and the consumer had them: start after them, reading nothing
          // of theirs.
          batchInEpoch = resume.dropThrough() + 1;
        }
        restore = null;
      }
      if (!globalEpoch(shards, order, slice, inPlace ? null : reads, options)) {
        return;
      }
      if (slice.records() == 0) {
        return; // Nothing to repeat (every epoch is as empty): an endless repeat would spin.
      }
    }
  }

  /**
   * This trainer's batches of one epoch from {@link #batchInEpoch} on, read in coalesced spans
   * as {@code reads} says, or in place from mapped files when it is null; false when the pipeline
   * must stop. A batch is its places in the order, so a record skipped as corrupt leaves its
   * batch one short rather than moving the next batch's records into it.
   */
  private boolean globalEpoch(IndexedShards shards, GlobalOrder order, TrainerSlice slice,
      CoalescedReads reads, TFRecordReaderOptions options) throws IOException {
    long first = slice.firstOfBatch(batchInEpoch);
    if (batchInEpoch >= slice.batches()) {
      return true;
    }
    pendingCheckpoint = orderCheckpoint();
    long unitEnd = first + slice.batchSize(batchInEpoch);
    LongUnaryOperator idAt = j -> order.recordAt(slice.placeOf(first + j));
    long count = slice.records() - first;
    try (OrderedRecords records = reads == null
        ? new MappedRecords(shards, idAt, count, options)
        : new CoalescedRecords(shards, idAt, count, reads, options, allocator, halted)) {
      // A record whose data CRC the reader checked needs no second check by the parse worker.
      deferDataCrc = deferDataCrcWhenReading && !records.dataCrcChecked();
      while (records.advance()) {
        long j = first + records.positionsPassed() - 1; // this record's place in the slice
        while (j >= unitEnd) {
          if (!endGlobalUnit()) {
            return false;
          }
          unitEnd = slice.firstOfBatch(batchInEpoch) + slice.batchSize(batchInEpoch);
        }
        clock.addElements(1);
        boolean borrow = records.lendsBuffer() && records.length() >= BORROW_FROM_BYTES;
        if (!stage(records.buffer(), records.start(), records.length(), records.file(),
            records.offset(), records.indexInFile(), records.maskedDataCrc(), borrow)) {
          return false;
        }
      }
    }
    return batchInEpoch >= slice.batches() || endGlobalUnit();
  }

  /**
   * Hands on the unit of the batch {@link #batchInEpoch} (unless every record of it was skipped
   * as corrupt: then the batch is counted and nothing is published), with the checkpoint that
   * names the next. False when the pipeline must stop.
   */
  private boolean endGlobalUnit() throws CorruptRecordException {
    if (staging.size() == 0) {
      batchInEpoch++;
    } else if (!formUnit()) {
      return false;
    }
    pendingCheckpoint = orderCheckpoint();
    return true;
  }

  /**
   * Fills the cache of rows before the first epoch it serves: every record of the shard's files,
   * in their sorted order, parsed into the cache and delivered nowhere. False when the pipeline
   * must stop.
   */
  private boolean fillRowCache(TFRecordReaderOptions options) throws IOException {
    unitRows = WorkUnit.Rows.CACHE_ONLY;
    deferDataCrc = deferDataCrcWhenReading;
    epoch = resume.startEpoch();
    PipelineSpec.SourceSpec source = spec.source();
    // Every record of the shard's files: record sharding picks its share later, each epoch.
    PipelineSpec.SourceSpec wholeFiles = new PipelineSpec.SourceSpec(source.files(),
        source.compression(), source.verifyCrc(), source.onCorrupt(), 1, 0,
        PipelineSpec.ShardBy.FILE, false, source.cycleLength(), source.blockLength(),
        source.numParallelCalls());
    List<Path> sortedFiles = EpochFiles.ofShard(files, source);
    // The order is the same in every run, so the units a fill cut short kept in files (loaded
    // already) are the first ones of this fill: their records are read, to be counted, not parsed.
    unitsForCache = rowFiles == null ? 0 : rowFiles.reusedUnits();
    long recordsKept = unitsForCache * spec.batchSize();
    try (InterleavedRecords records = new InterleavedRecords(sortedFiles, wholeFiles, options,
        cache, readers, allocator, halted)) {
      interleave = records;
      for (long read = 0; records.advance(); read++) {
        clock.addElements(1);
        if (read >= recordsKept && !addRead(records)) {
          return false;
        }
      }
    }
    if (staging.size() > 0 && !formUnit()) {
      return false;
    }
    // The fill's units are not batches of any epoch: the epoch starts afresh.
    pendingCheckpoint = null;
    stagedSinceCheckpoint = 0;
    batchInEpoch = 0;
    return sealRowCache();
  }

  /**
   * Waits until the batch stage has handed every unit of the fill to the cache of rows, then
   * seals it: from here it serves. False when the pipeline shut down while waiting.
   */
  private boolean sealRowCache() {
    while (rowCache.unitsAdded() < unitsForCache) {
      if (halted.getAsBoolean()) {
        return false;
      }
      fullBudget.idle();
    }
    fullBudget.reset();
    rowCache.seal();
    return true;
  }

  /**
   * One epoch over the cache of rows in the order of a seeded permutation of all of them, from the
   * unit a checkpoint names when resuming. Every unit carries a checkpoint: the epoch and the unit
   * are all a resumed run needs. False when the pipeline must stop.
   */
  private boolean permutedEpoch(SourceCheckpoint restore) throws CorruptRecordException {
    unitRows = WorkUnit.Rows.FROM_CACHE;
    deferDataCrc = false;
    long shuffleEpoch = spec.reshuffleEachIteration() ? epoch : 0;
    permutation.draw(rowCache.rows(), spec.options().seed(), shuffleEpoch);
    if (restore != null) {
      batchInEpoch = restore.unitInEpoch();
    }
    // Under record sharding every trainer draws the same permutation (one seed) and takes every
    // numShards-th place of it: disjoint shares that together hold every row.
    boolean byRecord = spec.source().shardBy() == PipelineSpec.ShardBy.RECORD;
    int shards = byRecord ? spec.source().numShards() : 1;
    int shard = byRecord ? spec.source().shardIndex() : 0;
    long rows = (rowCache.rows() - shard + shards - 1L) / shards;
    long position = batchInEpoch * spec.batchSize();
    pendingCheckpoint = orderCheckpoint();
    for (; position < rows; position++) {
      clock.addElements(1);
      int id = permutation.rowAt(position * shards + shard);
      handle.setLongLE(0, id);
      if (!stage(handle, 0, RowCache.HANDLE_BYTES, rowCache.fileOf(id), rowCache.offsetOf(id),
          rowCache.recordOf(id), 0, false)) {
        return false;
      }
      if (staging.size() == spec.batchSize()) {
        if (!formUnit()) {
          return false;
        }
        pendingCheckpoint = orderCheckpoint();
      }
    }
    if (staging.size() > 0 && !formUnit()) {
      return false;
    }
    return true;
  }

  /** Where a permuted or globally shuffled epoch stands: its epoch and unit say it all. */
  private SourceCheckpoint orderCheckpoint() {
    return new SourceCheckpoint(epoch, batchInEpoch, filesDigest, 0, 0, 0, 0, new int[0],
        new long[0], new long[0], 0, ShufflePositions.NONE);
  }

  /** Adds the record just read to the staging batch; false when the pipeline must stop. */
  private boolean addRead(InterleavedRecords records) throws CorruptRecordException {
    boolean borrow = records.lendsBuffer() && records.length() >= BORROW_FROM_BYTES;
    return add(records.buffer(), records.start(), records.length(), records.file(),
        records.offset(), records.indexInFile(), records.maskedDataCrc(), borrow);
  }

  /**
   * Puts the record just read into the shuffle buffer; once it is full, the record the new one
   * replaces goes to the staging batch first. False when the pipeline must stop.
   */
  private boolean shuffleIn(InterleavedRecords records) throws CorruptRecordException {
    boolean full = shuffle.isFull();
    int slot = full ? shuffle.chooseOut() : shuffle.size();
    return (!full || stageShuffled(slot))
        && putShuffled(slot, records.buffer(), records.start(), records.length(),
            records.fileIndex(), records.file(), records.offset(), records.indexInFile(),
            records.maskedDataCrc())
        && (!full || publishIfFull());
  }

  /**
   * At the end of an epoch, sends the shuffle buffer's records to the batches in random order;
   * false when the pipeline must stop.
   */
  private boolean drainShuffle() throws CorruptRecordException {
    while (shuffle.size() > 0) {
      int slot = shuffle.chooseOut();
      if (!stageShuffled(slot)) {
        return false;
      }
      shuffle.remove(slot);
      if (!publishIfFull()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Adds a record to the staging batch, borrowed where it lies if {@code borrow} (see {@link
   * StagedRecords}), else copied; publishes when the batch is full. Returns false when the
   * pipeline must stop (shutdown, or {@code take} reached).
   */
  private boolean add(ByteBuf source, int start, int length, Path file, long offset, long index,
      int maskedDataCrc, boolean borrow) throws CorruptRecordException {
    return stage(source, start, length, file, offset, index, maskedDataCrc, borrow)
        && publishIfFull();
  }

  /** Publishes the staged batch once it is full; false when the pipeline must stop. */
  private boolean publishIfFull() throws CorruptRecordException {
    return staging.size() < spec.batchSize() || publishBatch();
  }

  /**
   * Adds a record to the staging batch, as {@link #add} does, without publishing it: false when
   * the pipeline must stop.
   */
  private boolean stage(ByteBuf source, int start, int length, Path file, long offset,
      long index, int maskedDataCrc, boolean borrow) throws CorruptRecordException {
    if (!reserve(length, "a batch's records")) {
      return false;
    }
    if (!deferDataCrc) {
      staging.add(source, start, length, file, offset, index, borrow);
    } else if (length < CHECK_HERE_FROM_BYTES) {
      staging.addUnchecked(source, start, length, file, offset, index, maskedDataCrc);
    } else {
      int computed = MaskedCrc32c.of(dataCrc, source.internalNioBuffer(start, length));
      if (computed != maskedDataCrc) {
        throw new CorruptRecordException(
            TFRecordReader.dataCrcProblem(file, offset, index, maskedDataCrc, computed));
      }
      staging.add(source, start, length, file, offset, index, borrow);
    }
    stagedSinceCheckpoint++;
    return true;
  }

  /**
   * Puts back the records a checkpoint's shuffle buffer held, read again from their positions,
   * in the checkpoint's order, and its generator. Returns false when the pipeline must stop.
   */
  private boolean refillShuffle(SourceCheckpoint checkpoint, List<Path> epochFiles,
      TFRecordReaderOptions options) throws IOException {
    if (unitRows == WorkUnit.Rows.FROM_CACHE) {
      return refillShuffleWithHandles(checkpoint, epochFiles);
    }
    TFRecordReader reader = null;
    int readerFile = -1;
    try {
      for (int i = 0; i < checkpoint.shuffled(); i++) {
        int file = checkpoint.shuffledFile(i);
        if (file < 0 || file >= epochFiles.size()) {
          throw new IllegalArgumentException("the state's shuffle buffer names file " + file
              + " of " + epochFiles.size());
        }
        if (file != readerFile) {
          if (reader != null) {
            reader.close();
          }
          reader = TFRecordReader.open(epochFiles.get(file), options);
          readerFile = file;
        }
        // Positions are sorted by offset within a file: compressed files skip forward only once.
        reader.seek(checkpoint.shuffledOffset(i), checkpoint.shuffledIndex(i));
        if (!reader.advance()) {
          throw new IllegalArgumentException("the state's shuffle buffer names a record at offset "
              + checkpoint.shuffledOffset(i) + " of " + epochFiles.get(file)
              + ", past the file's last record");
        }
        if (shuffle.isFull()) {
          throw new IllegalArgumentException("the state's shuffle buffer holds more than "
              + spec.shuffleBufferSize() + " records");
        }
        if (!putShuffled(shuffle.size(), reader.buffer(), reader.recordStart(),
            reader.recordLength(), file, epochFiles.get(file), checkpoint.shuffledOffset(i),
            checkpoint.shuffledIndex(i), reader.recordMaskedDataCrc())) {
          return false;
        }
      }
    } finally {
      if (reader != null) {
        reader.close();
      }
    }
    shuffle.restoreRandom(checkpoint.shuffleRandom());
    return true;
  }

  /** As {@link #refillShuffle}, over the cache of rows: each record's handle, not its bytes. */
  private boolean refillShuffleWithHandles(SourceCheckpoint checkpoint, List<Path> epochFiles) {
    for (int i = 0; i < checkpoint.shuffled(); i++) {
      int file = checkpoint.shuffledFile(i);
      if (file < 0 || file >= epochFiles.size()) {
        throw new IllegalArgumentException("the state's shuffle buffer names file " + file
            + " of " + epochFiles.size());
      }
      if (shuffle.isFull()) {
        throw new IllegalArgumentException("the state's shuffle buffer holds more than "
            + spec.shuffleBufferSize() + " records");
      }
      Path path = epochFiles.get(file);
      handle.setLongLE(0, rowCache.handle(path, checkpoint.shuffledIndex(i)));
      if (!putShuffled(shuffle.size(), handle, 0, RowCache.HANDLE_BYTES, file, path,
          checkpoint.shuffledOffset(i), checkpoint.shuffledIndex(i), 0)) {
        return false;
      }
    }
    shuffle.restoreRandom(checkpoint.shuffleRandom());
    return true;
  }

  /** Where reading stands now, between units: see the class comment. */
  private SourceCheckpoint checkpoint() {
    int slots = interleave.cycleLength();
    int[] cycleFiles = new int[slots];
    long[] cycleOffsets = new long[slots];
    long[] cycleRecords = new long[slots];
    interleave.captureCycle(cycleFiles, cycleOffsets, cycleRecords);
    ShufflePositions shuffled = ShufflePositions.NONE;
    if (shuffle != null) {
      shuffle.sortByPosition();
      for (int i = 0; i < shuffle.size(); i++) {
        shufflePositions.add(shuffle.fileIndex(i), shuffle.offset(i), shuffle.index(i));
      }
      shuffled = shufflePositions.finish();
    }
    return new SourceCheckpoint(epoch, batchInEpoch, filesDigest, interleave.nextFile(),
        interleave.slot(), interleave.takenFromSlot(), interleave.shardTurn(), cycleFiles,
        cycleOffsets, cycleRecords, shuffle == null ? 0 : shuffle.randomState(), shuffled);
  }

  /**
   * Copies the shuffle buffer's record in {@code slot} to the staging batch (not published yet:
   * the record that replaces it goes in first, so that a checkpoint finds it in the buffer).
   */
  private boolean stageShuffled(int slot) throws CorruptRecordException {
    ByteBuf record = shuffle.record(slot);
    return stage(record, record.readerIndex(), record.readableBytes(), shuffle.file(slot),
        shuffle.offset(slot), shuffle.index(slot), shuffle.dataCrc(slot), false);
  }

  /**
   * Copies a record into the shuffle buffer's {@code slot}, its record copied out already (or the
   * slot after the last), with the budget for any buffer that grows. False when the pipeline
   * must stop.
   */
  private boolean putShuffled(int slot, ByteBuf source, int start, int length, int fileIndex,
      Path file, long offset, long index, int maskedDataCrc) {
    long change = shuffle.capacityChange(slot, length);
    if (change > 0 && !reserve(change, "the shuffle buffer")) {
      return false;
    }
    shuffle.put(slot, source, start, length, fileIndex, file, offset, index, maskedDataCrc);
    if (change < 0) {
      budget.release(-change);
      ownBytes += change;
    }
    return true;
  }

  /**
   * Hands on the full staging unit (publishes, skips or drops it), then takes a checkpoint if
   * one is due. Returns false when the pipeline must stop.
   */
  private boolean publishBatch() throws CorruptRecordException {
    if (!formUnit()) {
      return false;
    }
    if (stagedSinceCheckpoint >= checkpointRecords) {
      pendingCheckpoint = checkpoint();
      stagedSinceCheckpoint = 0;
    }
    return true;
  }

  private boolean formUnit() throws CorruptRecordException {
    long index = batchInEpoch++;
    if (dropDelivered && resume.alreadyDelivered(epoch, index)) {
      // Re-read to find where the next batch starts; the consumer had this one (checked) before.
      dropStaged();
      return true;
    }
    if (skippedBatches < skip) {
      // Skipped batches are read (their records decide where later batches start), not parsed.
      dropUnparsed();
      skippedBatches++;
      return true;
    }
    long staged = staging.bytes();
    long parsedEstimate = budget.acquire(budget.parsedEstimate(staged), 0, ownBytes,
        "a parsed batch", halted, fullBudget, clock);
    if (parsedEstimate < 0) {
      return false;
    }
    ownBytes += parsedEstimate;
    long sequence = claim();
    if (sequence < 0) {
      return false;
    }
    WorkUnit unit = ring.get(sequence);
    // The unit holds the reservation from here: its parse worker or consumer gives it back.
    ownBytes -= staged + parsedEstimate;
    unit.markPosition(epoch, index, pendingCheckpoint, 0);
    pendingCheckpoint = null;
    staging = unit.loadRecords(staging, staged + parsedEstimate, unitRows);
    if (unitRows == WorkUnit.Rows.PARSE_AND_CACHE || unitRows == WorkUnit.Rows.CACHE_ONLY) {
      unitsForCache++;
    }
    unit.openForClaims();
    ring.publish(sequence);
    publishedBatches++;
    return take == -1 || publishedBatches < take;
  }

  /**
   * Drops staged records that will never be parsed (skipped, or a dropped remainder), checking
   * the data CRCs the workers would have checked: a corrupt record fails the run as before.
   */
  private void dropUnparsed() throws CorruptRecordException {
    CorruptRecordException corrupt = staging.checkDataCrcs(dataCrc);
    dropStaged();
    if (corrupt != null) {
      throw corrupt;
    }
  }

  private void finish(Throwable failure) {
    long sequence = claim();
    if (sequence < 0) {
      return;
    }
    WorkUnit unit = ring.get(sequence);
    if (failure == null) {
      unit.markEnd();
    } else {
      unit.markFailed(Stage.READ.label(), failure);
    }
    unit.openForClaims();
    ring.publish(sequence);
  }

  /** Records read from the cache instead of a file, so far (0 without a cache). */
  public long recordsFromCache() {
    return cache == null ? 0 : cache.recordsServed();
  }

  /** Reserves budget for bytes this thread then holds; false once the pipeline is shut down. */
  private boolean reserve(long bytes, String what) {
    if (budget.acquire(bytes, bytes, ownBytes, what, halted, fullBudget, clock) < 0) {
      return false;
    }
    ownBytes += bytes;
    return true;
  }

  /** Forgets the staged records and gives their budget back. */
  private void dropStaged() {
    budget.release(staging.bytes());
    ownBytes -= staging.bytes();
    staging.clear();
  }

  /**
   * The next free slot; -1 once the pipeline is shut down. A full ring (or the tuner's in-flight
   * limit) makes it wait for a refill's worth of free slots ({@link RefillWait}), so the units
   * that follow are published in a run.
   */
  private long claim() {
    long waitStart = 0;
    StageWaitEvent event = FlightEvents.enabled() ? new StageWaitEvent() : null;
    if (event != null) {
      event.begin();
    }
    while (!halted.getAsBoolean()) {
      try {
        if (!tuned.admits(ring.getCursor() + 1)) {
          throw InsufficientCapacityException.INSTANCE; // the tuner's limit: wait as for a full ring
        }
        long sequence = ring.tryNext();
        if (waitStart != 0) {
          clock.addOutputWait(System.nanoTime() - waitStart);
          if (event != null) {
            event.finish(Stage.READ.label(), StageWaitEvent.OUTPUT);
          }
        }
        return sequence;
      } catch (InsufficientCapacityException full) {
        if (waitStart == 0) {
          waitStart = System.nanoTime();
        }
        int refill = RefillWait.refillSlots(
            Math.min(ring.getBufferSize(), tuned.inFlightLimit()));
        refillWait.await(this::room, refill, halted);
      }
    }
    return -1;
  }

  /** The units the source may publish now: the ring's free slots, within the tuner's limit. */
  private long room() {
    return Math.min(ring.remainingCapacity(), tuned.room(ring.getCursor()));
  }
}
