package dev.ingest.runtime;

import com.lmax.disruptor.EventHandler;
import dev.ingest.ExampleSpec;
import dev.ingest.PaddingSpec;
import dev.ingest.tfrecord.example.ExampleParser;
import io.netty.buffer.ByteBufAllocator;

/**
 * One of N parse workers: takes the units whose sequence is {@code index} modulo N, parses each
 * into a batch and releases its records. The consumer waits for every worker's sequence, so
 * batches come out in ring order with no reordering buffer: deterministic at any N.
 */
final class ParseWorker implements EventHandler<WorkUnit> {
  static final String STAGE = "parse_example";

  private final int index;
  private final int workers;
  private final ExampleParser parser;

  ParseWorker(int index, int workers, ExampleSpec spec, PaddingSpec padding,
      ByteBufAllocator allocator) {
    this.index = index;
    this.workers = workers;
    this.parser = new ExampleParser(spec, padding, allocator);
  }

  @Override
  public void onEvent(WorkUnit unit, long sequence, boolean endOfBatch) {
    if (sequence % workers != index || unit.end || unit.error != null) {
      return;
    }
    try {
      unit.batch = parser.parse(unit.records);
    } catch (Throwable e) {
      unit.error = e;
      unit.failedStage = STAGE;
    } finally {
      unit.releaseRecords();
    }
  }
}
