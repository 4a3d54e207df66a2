package dev.ingest.runtime;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.Sequence;
import dev.ingest.CorruptRecordException;
import dev.ingest.ExampleSpec;
import dev.ingest.MutableBatch;
import dev.ingest.PaddingSpec;
import dev.ingest.tfrecord.example.ExampleParser;
import io.netty.buffer.ByteBufAllocator;
import java.util.zip.CRC32C;

/**
 * One of N parse workers: takes the units the source stamped with its index ({@link
 * WorkUnit#owner}: the sequence modulo the workers active at publish, see {@link TunedSettings}),
 * parses each into a batch and empties its records for reuse. The consumer waits for each unit's
 * owner in ring order, so batches come out in order with no reordering buffer: deterministic at
 * any N, and whatever the tuner does with the active count.
 *
 * <p>The user's row transforms run here too, fused with parsing on the rows just parsed (tf.data's
 * map-and-batch fusion); the unit then says which rows the filters kept. Batch transforms run
 * here as well unless a downstream {@link BatchAssemblyTask} makes the final batches.
 */
final class ParseWorker implements EventHandler<WorkUnit> {
  static final String STAGE = "parse_example";

  private final int index;
  private final ExampleParser parser;
  private final StageClock clock;
  private final TransformChain transforms;
  private final boolean batchTransformsHere;
  private final MemoryBudget budget;
  private final StageLatency latency;
  private final CRC32C dataCrc = new CRC32C();
  private final Wakeup wakeup;
  private long idleSince;

  /**
   * @param transforms this worker's own chain of the pipeline's user transforms
   * @param batchTransformsHere whether the units' batches are the final batches (no assembly
   *     downstream), so the batch transforms run here
   * @param wakeup how to wake the consumer waiting for a unit this worker finished, or {@code
   *     null} when the consumer waits for another stage (the batch stage)
   */
  ParseWorker(int index, ExampleSpec spec, PaddingSpec padding,
      ByteBufAllocator allocator, StageClock clock, long startNanos, TransformChain transforms,
      boolean batchTransformsHere, MemoryBudget budget, StageLatency latency,
      Wakeup wakeup) {
    this.wakeup = wakeup;
    this.budget = budget;
    this.latency = latency;
    this.index = index;
    this.parser = new ExampleParser(spec, padding, allocator);
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
    // The owner is read first: a unit another worker owns is not ours to read any further.
    if (unit.owner != index) {
      // Not ours: everything up to here is done as far as we are concerned.
      progress.set(sequence);
      return;
    }
    if (unit.end || unit.error != null) {
      finished(sequence); // nothing to parse, but the consumer may be waiting for it
      return;
    }
    long start = System.nanoTime();
    clock.addInputWait(start - idleSince);
    StageWorkEvent event = new StageWorkEvent();
    event.begin();
    try {
      // Data CRCs the source left to the workers (see SourceTask): a bad one fails the read stage.
      CorruptRecordException corrupt = unit.records.checkDataCrcs(dataCrc);
      if (corrupt != null) {
        fail(unit, SourceTask.STAGE, corrupt);
        return;
      }
      MutableBatch batch = parser.parse(unit.records.records());
      unit.batch = batch;
      unit.keptCount = batch.rows();
      if (transforms.hasRowTransforms()) {
        if (unit.keptRows == null || unit.keptRows.length < batch.rows()) {
          unit.keptRows = new int[batch.rows()];
        }
        unit.keptCount = transforms.applyToRows(batch, unit.records.records(), unit.keptRows);
      }
      if (batchTransformsHere) {
        transforms.applyToBatch(batch);
      }
      // The staged records are done with: the unit now holds the parsed batch instead.
      long parsedBytes = batch.memoryBytes();
      budget.observeParsed(unit.recordBytes, parsedBytes);
      budget.adjust(parsedBytes - unit.reservedBytes);
      unit.reservedBytes = parsedBytes;
    } catch (StageFailure e) {
      fail(unit, e.stage(), e.getCause());
    } catch (Throwable e) {
      fail(unit, STAGE, e);
    } finally {
      event.end();
      if (event.shouldCommit()) {
        event.stage = STAGE;
        event.sequence = sequence;
        event.rows = unit.batch == null ? 0 : unit.batch.rows();
        event.commit();
      }
      unit.records.clear();
      idleSince = System.nanoTime();
      clock.addBusy(idleSince - start);
      latency.record(idleSince - start);
      clock.addElements(1);
      finished(sequence);
    }
  }

  /** Marks an owned unit done and wakes the consumer if it waits for it. */
  private void finished(long sequence) {
    if (wakeup == null) {
      progress.set(sequence);
      return;
    }
    // A full fence: either the consumer sees the sequence or this sees it waiting (Wakeup).
    progress.setVolatile(sequence);
    wakeup.ready(sequence);
  }

  private void fail(WorkUnit unit, String stage, Throwable error) {
    budget.release(unit.reservedBytes);
    unit.reservedBytes = 0;
    if (unit.batch != null) {
      unit.batch.release();
      unit.batch = null;
    }
    unit.error = error;
    unit.failedStage = stage;
  }
}
