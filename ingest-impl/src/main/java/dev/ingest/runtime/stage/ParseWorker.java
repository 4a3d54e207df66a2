package dev.ingest.runtime.stage;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.Sequence;
import dev.ingest.CorruptRecordException;
import dev.ingest.ExampleSpec;
import dev.ingest.InvalidExampleException;
import dev.ingest.MutableBatch;
import dev.ingest.PaddingSpec;
import dev.ingest.runtime.concurrent.Wakeup;
import dev.ingest.runtime.memory.MemoryBudget;
import dev.ingest.runtime.metrics.FlightEvents;
import dev.ingest.runtime.metrics.Stage;
import dev.ingest.runtime.metrics.StageClock;
import dev.ingest.runtime.metrics.StageLatency;
import dev.ingest.runtime.metrics.StageWorkEvent;
import dev.ingest.runtime.tune.TunedSettings;
import dev.ingest.tfrecord.DirectMemory;
import dev.ingest.tfrecord.example.ExampleParser;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * One of N parse workers: walks the ring in order, claims each unit no other worker has claimed
 * yet ({@link WorkUnit#tryClaim}), parses it into a batch, empties its records for reuse and
 * stamps it finished ({@link WorkUnit#finishedSequence}). The consumer takes units in ring order
 * once stamped, so batches come out in order with no reordering buffer: deterministic at any N,
 * and whatever the tuner does with the active count ({@link TunedSettings#isActive}).
 *
 * <p>Why claims rather than a fixed share (worker i taking the units s with s % N == i): on a
 * busy machine a worker loses its core for milliseconds now and then. With fixed shares its
 * units queued up behind it while the other worker, done with its own, idled, and the consumer
 * waited for every second batch; with claims the other worker takes every unit after the one the
 * stalled worker holds.
 *
 * <p>With a cache of rows ({@link WorkUnit.Rows}), a unit that fills it runs the transforms before
 * the cache, copies the rows that reach it out for the cache ({@link CachedRowCopier}), then runs
 * the rest; a unit the cache serves gathers the rows its handles name instead of parsing, and
 * runs only the transforms after the cache.
 *
 * <p>The user's row transforms run here too, fused with parsing on the rows just parsed (tf.data's
 * map-and-batch fusion); the unit then says which rows the filters kept. Batch transforms run
 * here as well unless a downstream {@link BatchAssemblyTask} makes the final batches. This
 * worker's clock counts all of it as busy (the tuner sizes the workers by it); the chain also
 * times each row transform on a clock of its own, so the report can tell them from parsing.
 */
public final class ParseWorker implements EventHandler<WorkUnit> {

  private final int index;
  private final ExampleParser parser;
  private final StageClock clock;
  private final TransformChain transforms;
  private final boolean batchTransformsHere;
  private final MemoryBudget budget;
  private final StageLatency latency;
  private final CRC32C dataCrc = new CRC32C();
  private final Wakeup wakeup;
  private final TunedSettings tuned;
  /** Copies rows to and from the cache of rows; {@code null} when the pipeline has none. */
  private final CachedRowCopier cachedRows;
  /** The row transforms that run before the cache of rows (the rest run after it). */
  private final int transformsBeforeCache;
  private long idleSince;
  private final AtomicLong skippedInvalid;
  /** The rows of the unit being parsed whose records were not valid Examples (under skip). */
  private final RejectedRowList rejectedRows = new RejectedRowList();
  private final ExampleParser.RejectedRows rejectRow;

  /**
   * @param transforms this worker's own chain of the pipeline's user transforms
   * @param batchTransformsHere whether the units' batches are the final batches (no assembly
   *     downstream), so the batch transforms run here
   * @param wakeup how to wake the consumer waiting for a unit this worker finished, or {@code
   *     null} when the consumer waits for another stage (the batch stage)
   * @param tuned whether this worker is one of the active ones, which claim units
   */
  public ParseWorker(int index, ExampleSpec spec, PaddingSpec padding,
      DirectMemory columns, StageClock clock, long startNanos, TransformChain transforms,
      boolean batchTransformsHere, MemoryBudget budget, StageLatency latency,
      Wakeup wakeup, TunedSettings tuned) {
    this(index, spec, padding, padding, columns, clock, startNanos, transforms,
        batchTransformsHere, budget, latency, wakeup, tuned, null, 0, null);
  }

  /**
   * As the other constructor, for a pipeline with a cache of rows.
   *
   * @param cachedRows this worker's copier to and from the cache of rows, or {@code null}
   * @param transformsBeforeCache how many row transforms run before the cache's position
   * @param lengthLimits the pipeline's padding, whose fixed lengths limit rows even when {@code
   *     padding} is none (a batch stage pads): a longer row is refused with its record named
   * @param skippedInvalid under {@code on_corrupt: skip}, counts the records that are not valid
   *     Examples for the spec, whose rows this worker drops (the batch stage refills the batch);
   *     {@code null} under {@code fail}, where the first one fails the pipeline
   */
  public ParseWorker(int index, ExampleSpec spec, PaddingSpec padding, PaddingSpec lengthLimits,
      DirectMemory columns, StageClock clock, long startNanos, TransformChain transforms,
      boolean batchTransformsHere, MemoryBudget budget, StageLatency latency,
      Wakeup wakeup, TunedSettings tuned, CachedRowCopier cachedRows, int transformsBeforeCache,
      AtomicLong skippedInvalid) {
    this.skippedInvalid = skippedInvalid;
    this.rejectRow = skippedInvalid == null ? null : (row, why) -> rejectedRows.add(row);
    this.cachedRows = cachedRows;
    this.transformsBeforeCache = transformsBeforeCache;
    this.wakeup = wakeup;
    this.tuned = tuned;
    this.budget = budget;
    this.latency = latency;
    this.index = index;
    this.parser = new ExampleParser(spec, padding, lengthLimits, columns);
    this.clock = clock;
    this.transforms = transforms;
    this.batchTransformsHere = batchTransformsHere;
    this.idleSince = startNanos;
  }

  /**
   * The processor's sequence, which this worker moves itself after every unit. The processor
   * would move it only at the end of a run of units, so a worker parsing unit s + 1 would keep
   * the consumer waiting for unit s, which another worker finished long ago.
   */
  private Sequence progress;

  @Override
  public void setSequenceCallback(Sequence sequenceCallback) {
    this.progress = sequenceCallback;
  }

  @Override
  public void onEvent(WorkUnit unit, long sequence, boolean endOfBatch) {
    // The claim comes first: a unit another worker claimed is not ours to read any further.
    if (!tuned.isActive(index) || !unit.tryClaim()) {
      // Not ours: everything up to here is done as far as we are concerned.
      progress.set(sequence);
      return;
    }
    if (unit.kind() != WorkUnit.Kind.BATCH) {
      finished(unit, sequence); // nothing to parse, but the consumer may be waiting for it
      return;
    }
    long start = System.nanoTime();
    clock.addInputWait(start - idleSince);
    StageWorkEvent event = FlightEvents.enabled() ? new StageWorkEvent() : null;
    if (event != null) {
      event.begin();
    }
    try {
      if (unit.rows() == WorkUnit.Rows.FROM_CACHE) {
        fromCache(unit);
      } else if (!parse(unit)) {
        return;
      }
      unit.chargeParsedBatch(budget);
    } catch (StageFailure e) {
      fail(unit, e.stage(), e.getCause());
    } catch (Throwable e) {
      fail(unit, Stage.PARSE.label(), e);
    } finally {
      if (event != null) {
        event.end();
        if (event.shouldCommit()) {
          event.stage = Stage.PARSE.label();
          event.sequence = sequence;
          event.rows = unit.batch() == null ? 0 : unit.batch().rows();
          event.commit();
        }
      }
      unit.records().clear();
      idleSince = System.nanoTime();
      clock.addBusy(idleSince - start);
      latency.record(idleSince - start);
      clock.addElements(1);
      finished(unit, sequence);
    }
  }

  /**
   * Parses the unit's records and runs the row transforms (and, without a batch stage, the batch
   * transforms); a unit that fills a cache of rows copies out the rows that reach the cache's
   * position on the way. False when the unit failed (a data CRC).
   */
  private boolean parse(WorkUnit unit) throws InvalidExampleException {
    // Data CRCs the source left to the workers (see SourceTask): a bad one fails the read stage.
    CorruptRecordException corrupt = unit.records().checkDataCrcs(dataCrc);
    if (corrupt != null) {
      fail(unit, Stage.READ.label(), corrupt);
      return false;
    }
    rejectedRows.clear();
    MutableBatch batch = parser.parse(unit.records().records(), rejectRow);
    unit.attachParsed(batch);
    if (rejectedRows.size() > 0) {
      // Dropped before any transform sees them, as tf.data's ignore_errors drops them.
      unit.dropRows(rejectedRows.rows(), rejectedRows.size());
      skippedInvalid.addAndGet(rejectedRows.size());
    }
    if (unit.rows() == WorkUnit.Rows.PARSE) {
      if (transforms.hasRowTransforms()) {
        unit.applyRowTransforms(transforms);
      }
    } else {
      unit.applyRowTransforms(transforms, 0, transformsBeforeCache, null);
      cachedRows.copyOut(unit);
      if (unit.delivered()) {
        unit.applyRowTransforms(transforms, transformsBeforeCache,
            transforms.rowTransformCount(), null);
      }
    }
    if (batchTransformsHere) {
      transforms.applyToBatch(batch);
    }
    return true;
  }

  /**
   * Gathers the cached rows the unit's handles name and runs the row transforms after the cache
   * on them: reading, parsing and the transforms before the cache are not run again.
   */
  private void fromCache(WorkUnit unit) {
    MutableBatch batch = cachedRows.gather(unit.records().records());
    unit.attachParsed(batch);
    unit.applyRowTransforms(transforms, transformsBeforeCache, transforms.rowTransformCount(),
        cachedRows.recordOfRow());
  }

  /** Stamps a claimed unit finished and wakes the consumer if it waits for it. */
  private void finished(WorkUnit unit, long sequence) {
    progress.set(sequence);
    // A full fence: either the consumer sees the stamp or this sees it waiting (Wakeup).
    unit.finishedSequence = sequence;
    if (wakeup != null) {
      wakeup.ready(sequence);
    }
  }

  /** Gives back the batch and budget the unit held and passes the failure on in its place. */
  private void fail(WorkUnit unit, String stage, Throwable error) {
    unit.releaseBatch(budget);
    unit.markFailed(stage, error);
  }
}
