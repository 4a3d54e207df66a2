package dev.ingest.runtime.stage;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.util.Util;
import dev.ingest.Batch;
import dev.ingest.MutableBatch;
import dev.ingest.PipelineSpec;
import dev.ingest.SourceCheckpoint;
import dev.ingest.runtime.cache.RowCache;
import dev.ingest.runtime.concurrent.Backoff;
import dev.ingest.runtime.concurrent.Wakeup;
import dev.ingest.runtime.memory.MemoryBudget;
import dev.ingest.runtime.metrics.FlightEvents;
import dev.ingest.runtime.metrics.Stage;
import dev.ingest.runtime.metrics.StageClock;
import dev.ingest.runtime.metrics.StageLatency;
import dev.ingest.runtime.metrics.StageWorkEvent;
import dev.ingest.tfrecord.DirectMemory;
import dev.ingest.tfrecord.example.BatchAssembler;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The batch stage of a pipeline whose filters drop records: on its own thread, it takes the parsed
 * chunks in ring order (after every parse worker has passed them), copies the rows the filters
 * kept into batches of exactly {@code batchSize} rows ({@link BatchAssembler}, which also pads),
 * runs the batch transforms, and publishes the batches to the prefetch ring the consumer reads.
 *
 * <pre>
 *   source ──► [ chunk ring ] ──► parse workers (parse, map, filter) ──► batch (this) ──► [ prefetch ring ] ──► consumer
 * </pre>
 *
 * It applies what depends on whole batches, which the source cannot know when records are
 * dropped after it: an epoch's short last batch (kept, or dropped with {@code drop_remainder}),
 * {@code skip} and {@code take}. A batch never spans two epochs.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * The only reader of the chunk ring and the only writer of the prefetch ring. It releases each
 * chunk once copied and marks it consumed, so the source may refill the slot; a full prefetch ring
 * makes it wait (bounded memory). It waits with {@link Backoff}, watching the shutdown flag; when
 * it stops (end, failure, shutdown) it gives back the batch it was filling. A failure upstream or
 * its own (a batch transform that threw) goes to the consumer as an error slot.
 */
public final class BatchAssemblyTask implements Runnable {
  private static final long MAX_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

  private final RingBuffer<WorkUnit> chunks;
  private final Sequence[] workerSequences;
  private final Sequence chunksConsumed = new Sequence();
  private final RingBuffer<WorkUnit> batches;
  private final Sequence batchesPublished = new Sequence();
  /** Wakes the consumer waiting for a batch. */
  private final Wakeup consumerWakeup;
  private final BatchAssembler assembler;
  /** The batch size, and whether batches are unpadded (so a whole chunk may be one as it is). */
  private final int batchSize;
  private final boolean unpadded;
  private final TransformChain transforms;
  private final BooleanSupplier halted;
  private final MemoryBudget budget;
  private final StageLatency latency;
  private final ResumePoint resume;
  /** The cache of rows the units of a fill bring rows to, or {@code null}. */
  private final RowCache rowCache;
  /** Batches finished so far in this epoch, skipped ones included. */
  private long batchInEpoch;
  private final StageClock clock;
  private final Backoff inputBackoff = new Backoff(MAX_PARK_NANOS);
  private final Backoff outputBackoff = new Backoff(MAX_PARK_NANOS);
  private final boolean dropRemainder;
  private final long skip;
  private final long take;
  private long skipped;
  private long emitted;
  private long epoch;
  private long pendingBytes;
  /** The last source checkpoint seen, and the rows kept after it so far (see {@link WorkUnit}). */
  private SourceCheckpoint checkpoint;
  private long keptSinceCheckpoint;
  /** Rows kept after the resume's checkpoint that went into batches delivered before: dropped. */
  private long rowsToDrop;
  /** Time spent waiting for prefetch slots, so far: not busy time. */
  private long outputWaitNanos;

  public BatchAssemblyTask(PipelineSpec spec, RingBuffer<WorkUnit> chunks,
      Sequence[] workerSequences, RingBuffer<WorkUnit> batches, DirectMemory columns, TransformChain transforms,
      BooleanSupplier halted, StageClock clock, MemoryBudget budget, ResumePoint resume,
      StageLatency latency, Wakeup consumerWakeup) {
    this(spec, chunks, workerSequences, batches, columns, transforms, halted, clock, budget, resume,
        latency, consumerWakeup, null);
  }

  /** As the other constructor, for a pipeline with a cache of rows ({@code rowCache}). */
  public BatchAssemblyTask(PipelineSpec spec, RingBuffer<WorkUnit> chunks,
      Sequence[] workerSequences, RingBuffer<WorkUnit> batches, DirectMemory columns,
      TransformChain transforms, BooleanSupplier halted, StageClock clock, MemoryBudget budget,
      ResumePoint resume, StageLatency latency, Wakeup consumerWakeup, RowCache rowCache) {
    this.rowCache = rowCache;
    this.consumerWakeup = consumerWakeup;
    this.budget = budget;
    this.latency = latency;
    this.resume = resume;
    this.epoch = resume.startEpoch();
    this.chunks = chunks;
    this.workerSequences = workerSequences;
    this.batches = batches;
    this.assembler = new BatchAssembler(spec.features(), spec.padding(), columns, spec.batchSize());
    this.batchSize = spec.batchSize();
    this.unpadded = spec.padding().lengths().isEmpty();
    this.transforms = transforms;
    this.halted = halted;
    this.clock = clock;
    this.dropRemainder = spec.dropRemainder();
    this.skip = resume.skip();
    this.take = resume.take();
    if (resume.checkpoint() != null) {
      // The source starts at the checkpoint: the batches before the resume point and the kept
      // rows between the checkpoint and it were delivered before; number the next batch on.
      this.batchInEpoch = resume.dropThrough() + 1;
      this.rowsToDrop = resume.rowsAfterCheckpoint();
    }
  }

  /** How far it has consumed the chunk ring: the source's gate. */
  public Sequence chunksConsumed() {
    return chunksConsumed;
  }

  /** The last batch slot it published: what the consumer waits for. */
  public Sequence batchesPublished() {
    return batchesPublished;
  }

  @Override
  public void run() {
    try {
      assemble();
    } catch (StageFailure e) {
      publishFailure(e.stage(), e.getCause());
    } catch (Throwable e) {
      publishFailure(Stage.BATCH.label(), e);
    } finally {
      assembler.abandon();
    }
  }

  private void assemble() {
    if (take == 0) {
      publishEnd();
      return;
    }
    for (long sequence = 0; ; sequence++) {
      WorkUnit unit = awaitChunk(sequence);
      if (unit == null) {
        return;
      }
      long start = System.nanoTime();
      long outputWaitBefore = outputWaitNanos;
      StageWorkEvent event = FlightEvents.enabled() ? new StageWorkEvent() : null;
      if (event != null) {
        event.begin();
      }
      try {
        switch (unit.kind()) {
          case FAILED -> {
            publishFailure(unit.failedStage(), unit.error());
            return;
          }
          case END -> {
            if (flushEpoch()) {
              publishEnd();
            }
            return;
          }
          case BATCH -> {
            // assembled below
          }
        }
        if (unit.rows() == WorkUnit.Rows.PARSE_AND_CACHE || unit.rows() == WorkUnit.Rows.CACHE_ONLY) {
          keepForCache(unit);
        }
        if (!unit.delivered()) {
          continue; // a fill before the first epoch the cache serves: nothing to batch
        }
        if (unit.epoch() != epoch) {
          if (!flushEpoch()) {
            return;
          }
          batchInEpoch = 0;
        }
        epoch = unit.epoch();
        pendingBytes += unit.recordBytes();
        if (unit.checkpoint() != null) {
          checkpoint = unit.checkpoint();
          keptSinceCheckpoint = 0;
        }
        if (passesWhole(unit)) {
          keptSinceCheckpoint += unit.keptCount();
          if (!emit(unit.takeParsed(budget))) {
            return;
          }
          continue;
        }
        for (int i = 0, kept = unit.keptCount(); i < kept; i++) {
          keptSinceCheckpoint++;
          if (rowsToDrop > 0) {
            rowsToDrop--;
            continue;
          }
          assembler.append(unit.batch(), unit.keptRow(i));
          if (assembler.full() && !emit()) {
            return;
          }
        }
      } finally {
        // The kept rows are copied: the chunk's batch and budget go back before its slot does.
        unit.releaseBatch(budget);
        chunksConsumed.set(sequence);
        if (event != null) {
          event.end();
          if (event.shouldCommit()) {
            event.stage = Stage.BATCH.label();
            event.sequence = sequence;
            event.rows = unit.keptCount();
            event.commit();
          }
        }
        clock.addElements(1);
        long busy = System.nanoTime() - start - (outputWaitNanos - outputWaitBefore);
        clock.addBusy(busy);
        latency.record(busy);
      }
    }
  }

  /**
   * Hands the rows the unit copied out for the cache of rows to it, in ring order, so that the
   * source, which waits for every unit of a fill, knows when the cache has them all.
   */
  private void keepForCache(WorkUnit unit) {
    Batch rows = unit.takeCachedRows();
    if (rows == null) {
      rowCache.skipUnit();
    } else {
      rowCache.add(rows, unit.cachedFiles(0), unit.cachedRecords(), unit.cachedOffsets());
    }
  }

  /** Ends the epoch's last, short batch: kept, or dropped. False when the stream must stop. */
  private boolean flushEpoch() {
    if (assembler.rows() == 0) {
      return true;
    }
    if (dropRemainder) {
      assembler.abandon();
      pendingBytes = 0;
      return true;
    }
    return emit();
  }

  /**
   * Whether the unit's chunk is a whole batch as it is, so that it goes on as the batch instead
   * of being copied row by row: no batch is being filled, nothing is to be dropped or padded, and
   * every one of its rows was kept, {@code batchSize} of them (the chunks a cache of rows serves
   * without a filter after it, and any chunk no filter dropped a row of).
   */
  private boolean passesWhole(WorkUnit unit) {
    return unpadded && assembler.rows() == 0 && rowsToDrop == 0 && unit.batch() != null
        && unit.batch().rows() == batchSize && unit.keptCount() == batchSize;
  }

  /** Publishes the filled batch (or skips it). False when the stream must stop. */
  private boolean emit() {
    return emit(assembler.finish());
  }

  /** Publishes {@code batch}, which this stage owns (or skips it). False when it must stop. */
  private boolean emit(MutableBatch batch) {
    long bytes = pendingBytes;
    pendingBytes = 0;
    long index = batchInEpoch++;
    if (resume.alreadyDelivered(epoch, index)) {
      batch.release();
      return true;
    }
    if (skipped < skip) {
      batch.release();
      skipped++;
      return true;
    }
    long sequence;
    try {
      transforms.applyToBatch(batch);
      sequence = claim();
    } catch (RuntimeException | Error e) {
      batch.release();
      throw e;
    }
    if (sequence < 0) {
      batch.release();
      return false;
    }
    WorkUnit slot = batches.get(sequence);
    slot.markPosition(epoch, index, checkpoint, keptSinceCheckpoint);
    slot.loadBatch(batch, bytes, budget);
    publish(sequence);
    emitted++;
    if (take != -1 && emitted >= take) {
      publishEnd();
      return false;
    }
    return true;
  }

  private void publishEnd() {
    long sequence = claim();
    if (sequence >= 0) {
      batches.get(sequence).markEnd();
      publish(sequence);
    }
  }

  private void publishFailure(String stage, Throwable error) {
    long sequence = claim();
    if (sequence >= 0) {
      batches.get(sequence).markFailed(stage, error);
      publish(sequence);
    }
  }

  private void publish(long sequence) {
    batches.publish(sequence);
    // A full fence: either the consumer sees the batch or this sees it waiting (Wakeup).
    batchesPublished.setVolatile(sequence);
    consumerWakeup.ready(sequence);
  }

  /** Waits until every parse worker has passed {@code sequence}; null once shut down. */
  private WorkUnit awaitChunk(long sequence) {
    long waitStart = System.nanoTime();
    while (Util.getMinimumSequence(workerSequences) < sequence) {
      if (halted.getAsBoolean()) {
        return null;
      }
      inputBackoff.idle();
    }
    inputBackoff.reset();
    clock.addInputWait(System.nanoTime() - waitStart);
    return chunks.get(sequence);
  }

  /** The next free prefetch slot, waiting while the consumer is behind; -1 once shut down. */
  private long claim() {
    long waitStart = 0;
    while (!halted.getAsBoolean()) {
      try {
        long sequence = batches.tryNext();
        if (waitStart != 0) {
          long waited = System.nanoTime() - waitStart;
          outputWaitNanos += waited;
          clock.addOutputWait(waited);
          outputBackoff.reset();
        }
        return sequence;
      } catch (InsufficientCapacityException full) {
        if (waitStart == 0) {
          waitStart = System.nanoTime();
        }
        outputBackoff.idle();
      }
    }
    return -1;
  }
}
