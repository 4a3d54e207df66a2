package dev.ingest.runtime;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.util.Util;
import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.CorruptionPolicy;
import dev.ingest.IngestException;
import dev.ingest.IteratorStats;
import dev.ingest.PaddingSpec;
import dev.ingest.PipelineMetrics;
import dev.ingest.PipelineSpec;
import dev.ingest.PipelineSpec.CacheSpec;
import dev.ingest.PipelineState;
import dev.ingest.StateMismatchException;
import dev.ingest.Tuning;
import dev.ingest.runtime.cache.RowCache;
import dev.ingest.runtime.cache.RowCacheFiles;
import dev.ingest.runtime.concurrent.ThreadStop;
import dev.ingest.runtime.concurrent.Wakeup;
import dev.ingest.runtime.memory.AllocatorWarmup;
import dev.ingest.runtime.memory.MemoryBudget;
import dev.ingest.runtime.memory.RecycledColumns;
import dev.ingest.runtime.metrics.FlightEvents;
import dev.ingest.runtime.metrics.Stage;
import dev.ingest.runtime.metrics.StageWaitEvent;
import dev.ingest.runtime.read.EpochFiles;
import dev.ingest.runtime.read.IndexedShards;
import dev.ingest.runtime.stage.BatchAssemblyTask;
import dev.ingest.runtime.stage.CachedRowCopier;
import dev.ingest.runtime.stage.ParseWorker;
import dev.ingest.runtime.stage.ResumePoint;
import dev.ingest.runtime.stage.SourceTask;
import dev.ingest.runtime.stage.TransformChain;
import dev.ingest.runtime.stage.WorkUnit;
import dev.ingest.runtime.tune.AutoTuner;
import dev.ingest.runtime.tune.TunedSettings;
import dev.ingest.runtime.tune.TuningLoop;
import dev.ingest.tfrecord.DirectMemory;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A started pipeline: rings of {@link WorkUnit}s between the stages' threads.
 *
 * <pre>
 *   source thread ──publish──► [ ring of prefetch + workers slots ] ──► consumer (next())
 *                                   │  ▲
 *                   N parse workers: each claims the next unit no other has
 *
 *   with filters (or row maps before padded_batch), the batch stage in between:
 *   source ──► [ chunk ring: 2N ] ──► N workers ──► batch thread ──► [ prefetch ring ] ──► consumer
 * </pre>
 *
 * The source publishes units of serialized records; N parse workers walk the ring, each
 * claiming the units no other has claimed, and parse them in place (running the user's row
 * transforms on the rows); the consumer waits until the unit it takes next is stamped finished
 * ({@link ConsumerCursor}), takes the batch and frees the slot. The consumer's sequence gates
 * the source, so at most ring-size batches are ever in flight, and the {@link MemoryBudget}
 * bounds their bytes: a slow consumer slows the source, memory stays bounded. Under {@link dev.ingest.Dataset#AUTO} threads or prefetch, a
 * {@link TuningLoop} on its own thread moves the active workers and a softer in-flight limit
 * inside the ring ({@link TunedSettings}); every worker the CPU budget allows is started, the
 * idle ones park. When filters drop rows, a {@link BatchAssemblyTask} between the
 * workers and the consumer fills exact batches from the parsed chunks.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * One consumer thread. Parse workers block on the ring (Disruptor's blocking strategy, woken by
 * each publish); the consumer spins briefly, then sleeps until the stage that finishes its batch
 * wakes it ({@link Wakeup}); the batch thread and a source facing a full ring wait with {@link
 * dev.ingest.runtime.concurrent.Backoff} (spin, then park for doubling times). Idle threads leave the cores to the work, and to
 * the trainer's own host threads, on a small machine. {@link #close()} halts every thread, waits
 * for them (bounded), then releases every record and batch still in the rings.
 */
final class RunningPipeline implements BatchIterator {
  private static final long SHUTDOWN_WAIT_MILLIS = 10_000;
  /** How many times the consumer looks before it sleeps until a stage wakes it. */
  private static final int CONSUMER_SPINS = 200;

  /** Units of records from the source to the parse workers. */
  private final RingBuffer<WorkUnit> ring;
  /** The ring the consumer reads: {@link #ring} itself, or the assembled batches' ring. */
  private final RingBuffer<WorkUnit> prefetchRing;
  /**
   * The sequences whose minimum every ready slot of {@link #prefetchRing} is behind: the batch
   * stage's, or the workers' walks (a lower bound of the finished units, for the queue metrics).
   */
  private final Sequence[] readyGates;
  private final boolean assembling;
  private final Thread assemblyThread;
  private final MemoryBudget budget;
  /**
   * The batches' column buffers and the readers' read buffers, reused instead of given back to
   * Netty (see RecycledColumns).
   */
  private final RecycledColumns columns;
  /** The stages' clocks, and the metrics and tuner samples made of them. */
  private final PipelineMeter meter;
  private final ConsumerCursor cursor;
  private final SourceTask source;
  private final PipelineSpec spec;
  private final ResumePoint resume;
  /**
   * The state this iterator started from, or {@code null} when it started at the beginning of
   * the pipeline: its spec fingerprint is then computed at the first {@link #state()}, not before
   * the first batch (hashing the spec costs a fresh JVM tens of milliseconds).
   */
  private final PipelineState from;
  private String specFingerprint;
  /** Where the batch taken from the ring and not yet handed out lies (see BatchPosition). */
  private final BatchPosition readyPosition;
  /** Where the last batch handed out lies, for {@link #state()} and the stats' epoch. */
  private final BatchPosition handedPosition = new BatchPosition(-1, null);
  private final List<BatchEventProcessor<WorkUnit>> workers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final List<Thread> workerThreads = new ArrayList<>();
  private final Thread sourceThread;
  private final Sequence consumed = new Sequence();
  private final Sequence[] workerSequences;
  /** How the stages that finish batches wake a consumer waiting for one. */
  private final Wakeup wakeup = new Wakeup();
  private final AtomicLong skippedRecords = new AtomicLong();
  private final AtomicLong skippedFiles = new AtomicLong();
  private final TunedSettings tuned;
  /** The tuner, or {@code null} when nothing is AUTO. */
  private final TuningLoop tuning;
  private final int prefetchDepthLimit;
  private volatile boolean halted;
  /** The cache of rows ({@code cache} after parsing), or {@code null}; released at close. */
  private final RowCache rowCache;
  /** Where cached rows' columns come from: Netty's pool, not the batches' recycled buffers. */
  private final DirectMemory segmentMemory;

  private Batch ready;
  private boolean finished;
  private boolean closed;
  private long batches;
  private long records;
  private long recordBytes;
  private long readyBytes;

  /**
   * Starts {@code spec} over {@code files} from {@code from}, or from the beginning when {@code
   * from} is {@code null}; {@code indexed} holds the files' record indexes under a global shuffle
   * ({@code null} otherwise).
   */
  RunningPipeline(PipelineSpec spec, List<Path> files, IndexedShards indexed,
      PipelineState from) {
    long startNanos = System.nanoTime();
    this.spec = spec;
    this.from = from;
    this.resume = from == null ? ResumePoint.beginning(spec) : ResumePoint.of(spec, from);
    this.readyPosition = new BatchPosition(0, resume.checkpoint());
    // Validate.
    String filesDigest = FilesDigest.of(files);
    requireSameFiles(filesDigest);
    // Size. The first Netty class this thread touches (see AllocatorWarmup).
    ByteBufAllocator allocator = AllocatorWarmup.allocator();
    PipelineSizes sizes = PipelineSizes.of(spec);
    assembling = sizes.assembling();
    prefetchDepthLimit = sizes.prefetchDepthLimit();
    budget = MemoryBudget.of(spec.options());
    columns = new RecycledColumns(allocator, sizes.recycledBuffers());
    rowCache = spec.cache().holdsRows()
        ? new RowCache(EpochFiles.ofShard(files, spec.source()), allocator, budget) : null;
    segmentMemory = DirectMemory.of(allocator);
    // Wire. No thread starts before every part is built, so a part that fails to build leaves
    // no thread to stop.
    ring = RingBuffer.createSingleProducer(() -> new WorkUnit(allocator, columns, spec.batchSize()),
        sizes.slots(), new BlockingWaitStrategy());
    tuned = tunedSettings(sizes);
    meter = new PipelineMeter(startNanos, spec.transforms(), sizes.workers(), assembling, tuned,
        budget, spec.cache().holdsRows());
    workerSequences = parseWorkers(sizes.workers(), startNanos);
    if (assembling) {
      prefetchRing = RingBuffer.createSingleProducer(WorkUnit::new, sizes.assembledSlots(),
          new BlockingWaitStrategy());
      BatchAssemblyTask assembly = batchStage(prefetchRing);
      readyGates = new Sequence[] {assembly.batchesPublished()};
      assemblyThread = new DefaultThreadFactory("ingest-batch", true).newThread(assembly);
    } else {
      prefetchRing = ring;
      gateOnConsumerAndWorkers();
      readyGates = workerSequences;
      assemblyThread = null;
    }
    // Batches from the batch stage come in order; unordered taking is for parsed units only.
    cursor = new ConsumerCursor(prefetchRing,
        assembling ? ConsumerCursor.passed(readyGates[0]) : ConsumerCursor.parsed(ring), consumed,
        spec.options().deterministic() || assembling);
    source = new SourceTask(spec, files, ring, allocator, columns, () -> halted, skippedRecords,
        skippedFiles, meter.sourceClock(), assembling, budget, resume, filesDigest, tuned,
        rowCache, rowCache != null && spec.cache().kind() == CacheSpec.Kind.FILES
            ? new RowCacheFiles(spec, files, segmentMemory) : null, indexed);
    sourceThread = new DefaultThreadFactory("ingest-source", true).newThread(source);
    tuning = sizes.tuned() ? tuningLoop(sizes, startNanos) : null;
    // Start.
    startThreads();
  }

  /** Refuses a state saved over other files than {@code filesDigest} names. */
  private void requireSameFiles(String filesDigest) {
    if (from != null && from.checkpoint() != null
        && !from.checkpoint().filesDigest().equals(filesDigest)) {
      throw new StateMismatchException("the state was saved over other files: the names or"
          + " sizes of " + spec.source().files() + " changed (file list digest "
          + from.checkpoint().filesDigest() + " then, " + filesDigest + " now)");
    }
  }

  /** The settings the tuner moves, at their starting values. */
  private TunedSettings tunedSettings(PipelineSizes sizes) {
    // The soft in-flight limit counts from the consumer's sequence, so only without a batch stage.
    return new TunedSettings(sizes.workers(), sizes.activeWorkers(), sizes.firstDepth(),
        sizes.tuned() && !assembling ? consumed : null);
  }

  /**
   * Builds {@code count} parse workers walking {@link #ring}, and their threads (not started);
   * returns their sequences.
   */
  private Sequence[] parseWorkers(int count, long startNanos) {
    SequenceBarrier published = ring.newBarrier();
    Sequence[] sequences = new Sequence[count];
    for (int i = 0; i < count; i++) {
      ParseWorker handler = new ParseWorker(i, spec.features(),
          assembling ? PaddingSpec.none() : spec.padding(), spec.padding(), columns,
          meter.parseClock(i), startNanos,
          new TransformChain(spec.transforms(), meter.fusedTransforms(), i), !assembling, budget,
          meter.parseLatency(), assembling ? null : wakeup, tuned,
          rowCache == null ? null : new CachedRowCopier(rowCache, spec.features(),
              spec.batchSize(), segmentMemory, columns, meter.rowCacheClocks().clockOf(i),
              meter.rowCacheClocks().latency()),
          spec.cache().transformsBefore(),
          spec.source().onCorrupt() == CorruptionPolicy.SKIP ? skippedRecords : null);
      BatchEventProcessor<WorkUnit> processor =
          new BatchEventProcessorBuilder().build(ring, published, handler);
      workers.add(processor);
      sequences[i] = processor.getSequence();
    }
    // Netty's thread factory makes FastThreadLocalThreads, which get the pooled allocator's caches.
    ThreadFactory parseThreads = new DefaultThreadFactory("ingest-parse", true);
    for (BatchEventProcessor<WorkUnit> processor : workers) {
      workerThreads.add(parseThreads.newThread(processor));
    }
    return sequences;
  }

  /**
   * The batch stage between the workers and the consumer: it reads the parsed chunks of {@link
   * #ring} and publishes exact batches to {@code batches}, the ring the consumer reads.
   */
  private BatchAssemblyTask batchStage(RingBuffer<WorkUnit> batches) {
    batches.addGatingSequences(consumed);
    BatchAssemblyTask assembly = new BatchAssemblyTask(spec, ring, workerSequences, batches,
        columns, new TransformChain(spec.transforms()), () -> halted, meter.assemblyClock(),
        budget, resume, meter.assemblyLatency(), wakeup, rowCache);
    ring.addGatingSequences(assembly.chunksConsumed());
    return assembly;
  }

  /** Without a batch stage, the consumer reads the unit ring itself. */
  private void gateOnConsumerAndWorkers() {
    ring.addGatingSequences(consumed);
    // The consumer takes a unit once the worker that claimed it stamps it finished; the other
    // workers, still walking past it, gate too, so that a slot is never reused under a walker.
    ring.addGatingSequences(workerSequences);
  }

  /** The tuner and its thread (not started), for a pipeline with something AUTO. */
  private TuningLoop tuningLoop(PipelineSizes sizes, long startNanos) {
    AutoTuner tuner = new AutoTuner(sizes.autoWorkers(), sizes.activeWorkers(), sizes.workers(),
        sizes.tunesDepth(), sizes.firstDepth(), prefetchDepthLimit, spec.options().cpuCores());
    return new TuningLoop(tuner, tuned, meter::sample, startNanos, prefetchDepthLimit);
  }

  /** Starts the workers, the batch stage, the source, then the tuner. */
  private void startThreads() {
    threads.addAll(workerThreads);
    if (assemblyThread != null) {
      threads.add(assemblyThread);
    }
    threads.add(sourceThread);
    if (tuning != null) {
      threads.add(new DefaultThreadFactory("ingest-tune", true).newThread(tuning));
    }
    threads.forEach(Thread::start);
  }

  @Override
  public boolean hasNext() {
    if (ready != null) {
      return true;
    }
    if (finished) {
      return false;
    }
    if (closed) {
      throw new IllegalStateException("the iterator is closed");
    }
    long waitStart = System.nanoTime();
    StageWaitEvent waitEvent = FlightEvents.enabled() ? new StageWaitEvent() : null;
    if (waitEvent != null) {
      waitEvent.begin();
    }
    long sequence;
    // The worker that claimed sequence s stamps it finished, or the batch stage publishes it.
    int spins = 0;
    while ((sequence = cursor.poll()) < 0) {
      if (Thread.currentThread().isInterrupted()) {
        throw new IllegalStateException("interrupted while waiting for a batch");
      }
      checkStagesAlive(cursor.next());
      if (spins < CONSUMER_SPINS) {
        spins++; // a batch about to be finished is taken within microseconds
        Thread.onSpinWait();
        continue;
      }
      wakeup.announce(cursor.next());
      if ((sequence = cursor.poll()) >= 0) {
        break;
      }
      wakeup.sleep();
    }
    wakeup.awake();
    if (waitEvent != null) {
      waitEvent.finish(Stage.CONSUMER.label(), StageWaitEvent.INPUT);
    }
    long now = System.nanoTime();
    meter.consumerWaited(waitStart, now);
    sampleQueues();
    WorkUnit unit = prefetchRing.get(sequence);
    switch (unit.kind()) {
      case FAILED -> {
        finished = true;
        throw new IngestException(unit.failedStage(), unit.error());
      }
      case END -> {
        finished = true;
        cursor.take(sequence);
        return false;
      }
      case BATCH -> {
        // taken below
      }
    }
    meter.batchTaken(unit, now);
    // The batch is the consumer's now: it no longer counts against the pipeline's budget.
    ready = unit.takeBatch(budget);
    // Where it sits stays readable until the slot is handed back (cursor.take).
    readyPosition.advanceTo(unit.epoch(), unit.batchInEpoch(), unit.checkpoint(),
        unit.rowsAfterCheckpoint());
    readyBytes = unit.recordBytes();
    cursor.take(sequence);
    return true;
  }

  /**
   * How full the queues are as this batch is taken: units published but not yet parsed (the
   * parse stage's input), and batches ready but not yet taken (the consumer's input).
   */
  private void sampleQueues() {
    long published = ring.getCursor();
    long parsed = Util.getMinimumSequence(workerSequences);
    double slots = ring.getBufferSize();
    long ready = Util.getMinimumSequence(readyGates);
    meter.sampleQueues(Math.max(0, published - parsed) / slots,
        Math.max(0, ready - consumed.get()) / (double) prefetchRing.getBufferSize());
  }

  /**
   * A stage thread that died without handing on a failure (an {@code Error} outside the stages'
   * own handling) would leave the consumer waiting forever; this turns that into an exception.
   */
  private void checkStagesAlive(long sequence) {
    for (int i = 0; i < workerThreads.size(); i++) {
      if (!workerThreads.get(i).isAlive()) {
        finished = true;
        throw new IngestException(Stage.PARSE.label(), new IllegalStateException(
            "parse worker thread " + workerThreads.get(i).getName() + " died"));
      }
    }
    if (assemblyThread != null && !assemblyThread.isAlive()
        && Util.getMinimumSequence(readyGates) < sequence) {
      finished = true;
      throw new IngestException(Stage.BATCH.label(), new IllegalStateException(
          "batch thread " + assemblyThread.getName() + " ended without ending the stream"));
    }
    if (!assembling && !sourceThread.isAlive() && ring.getCursor() < sequence) {
      finished = true;
      throw new IngestException(Stage.READ.label(), new IllegalStateException(
          "source thread " + sourceThread.getName() + " ended without ending the stream"));
    }
  }

  @Override
  public Batch next() {
    if (!hasNext()) {
      throw new NoSuchElementException("the pipeline has no more batches");
    }
    Batch batch = ready;
    ready = null;
    batches++;
    records += batch.rows();
    recordBytes += readyBytes;
    // Where this batch lies, for state() (which an unordered pipeline refuses to give).
    handedPosition.copyFrom(readyPosition);
    return batch;
  }

  @Override
  public PipelineState state() {
    if (!spec.options().deterministic()) {
      throw new IllegalStateException("a pipeline with deterministic: false cannot be resumed"
          + " exactly: its batch order depends on timing");
    }
    if (specFingerprint == null) {
      specFingerprint = from != null ? from.specFingerprint() : spec.fingerprint();
    }
    if (batches == 0) {
      return from != null ? from : new PipelineState(specFingerprint, 0, -1, 0);
    }
    return handedPosition.toState(specFingerprint, resume.delivered() + batches);
  }

  @Override
  public IteratorStats stats() {
    return new IteratorStats(batches, records, recordBytes, handedPosition.epoch(),
        Math.max(meter.firstBatchNanos(), 0), meter.waitNanos(), skippedRecords.get(),
        skippedFiles.get(), budget.limit(), budget.peak());
  }

  @Override
  public PipelineMetrics metrics() {
    return meter.snapshot(batches, tuning());
  }

  /** What the tuner chose and why; fixed settings when nothing is AUTO. */
  Tuning tuning() {
    return tuning != null ? tuning.tuning()
        : Tuning.fixed(tuned.activeWorkers(), prefetchDepthLimit);
  }

  /** The settings the tuner moves (tests move them by hand to show the output never changes). */
  TunedSettings tunedSettings() {
    return tuned;
  }

  /**
   * Units the source has published so far (batches, then the end or error unit). With {@link
   * #ringSlots()} it shows how far the source runs ahead of the consumer; any thread may read it.
   */
  long publishedUnits() {
    return ring.getCursor() + 1;
  }

  /** The ring's slots: the most units ever published and not yet taken by the consumer. */
  int ringSlots() {
    return ring.getBufferSize();
  }

  /** Records the source took from its cache instead of a source file; once it has ended. */
  long recordsFromCache() {
    return source.recordsFromCache();
  }

  /** Records skipped as corrupt under the {@code skip} policy, so far. */
  long skippedRecords() {
    return skippedRecords.get();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    halted = true;
    if (tuning != null) {
      tuning.stop();
    }
    workers.forEach(BatchEventProcessor::halt);
    // A thread blocked in a store's read sees no flag: ThreadStop interrupts it.
    ThreadStop.stop(threads, SHUTDOWN_WAIT_MILLIS);
    boolean interrupted = Thread.interrupted();
    if (ready != null) {
      ready.release();
      ready = null;
    }
    boolean stopped = threads.stream().noneMatch(Thread::isAlive);
    if (stopped) {
      // Everyone is gone: every slot's arena, and any batch not taken, is ours to give back.
      for (int slot = 0; slot < ring.getBufferSize(); slot++) {
        ring.get(slot).releaseAll();
      }
      if (rowCache != null) {
        rowCache.release();
      }
      if (assembling) {
        for (int slot = 0; slot < prefetchRing.getBufferSize(); slot++) {
          prefetchRing.get(slot).releaseAll();
        }
      }
    }
    // Batches the consumer still holds give their columns straight to Netty from now on.
    columns.close();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (!stopped) {
      throw new IllegalStateException("pipeline threads did not stop within "
          + SHUTDOWN_WAIT_MILLIS + " ms; their buffers are left to them");
    }
  }
}
