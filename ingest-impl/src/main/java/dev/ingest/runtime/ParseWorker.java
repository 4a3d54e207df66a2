package dev.ingest.runtime;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.Sequence;
import dev.ingest.CorruptRecordException;
import dev.ingest.ExampleSpec;
import dev.ingest.PaddingSpec;
import dev.ingest.tfrecord.example.ExampleParser;
import io.netty.buffer.ByteBufAllocator;
import java.util.zip.CRC32C;

/**
 * One of N parse workers: takes the units whose sequence is {@code index} modulo N, parses each
 * into a batch and empties its records for reuse. The consumer waits for every worker's sequence, so
 * batches come out in ring order with no reordering buffer: deterministic at any N.
 */
final class ParseWorker implements EventHandler<WorkUnit> {
  static final String STAGE = "parse_example";

  private final int index;
  private final int workers;
  private final ExampleParser parser;
  private final StageClock clock;
  private final CRC32C dataCrc = new CRC32C();
  private long idleSince;

  ParseWorker(int index, int workers, ExampleSpec spec, PaddingSpec padding,
      ByteBufAllocator allocator, StageClock clock, long startNanos) {
    this.index = index;
    this.workers = workers;
    this.parser = new ExampleParser(spec, padding, allocator);
    this.clock = clock;
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
    if (sequence % workers != index || unit.end || unit.error != null) {
      // Not ours (or nothing to parse): everything up to here is done as far as we are concerned.
      progress.set(sequence);
      return;
    }
    long start = System.nanoTime();
    clock.addInputWait(start - idleSince);
    try {
      // Data CRCs the source left to the workers (see SourceTask): a bad one fails the read stage.
      CorruptRecordException corrupt = unit.records.checkDataCrcs(dataCrc);
      if (corrupt != null) {
        unit.error = corrupt;
        unit.failedStage = SourceTask.STAGE;
      } else {
        unit.batch = parser.parse(unit.records.records());
      }
    } catch (Throwable e) {
      unit.error = e;
      unit.failedStage = STAGE;
    } finally {
      unit.records.clear();
      idleSince = System.nanoTime();
      clock.addBusy(idleSince - start);
      clock.addElements(1);
      progress.set(sequence);
    }
  }
}
