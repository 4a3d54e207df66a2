package dev.ingest.bench;

import dev.ingest.Batch;
import dev.ingest.InvalidExampleException;
import dev.ingest.tfrecord.example.ExampleParser;
import dev.ingest.tfrecord.example.SerializedRecords;
import io.netty.buffer.PooledByteBufAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.Control;

/**
 * Parsing alone, one thread: every record of a {@link SampleRecords} kind parsed in batches of
 * {@value #BATCH_ROWS}, by ingest's {@link ExampleParser} (wire format straight into off-heap
 * columns) and by the naive way ({@code Example.parseFrom}, then the values copied into arrays,
 * the least a trainer needs). One operation is one pass over all the records; the counters give
 * records/s and bytes/s, and {@code -prof gc} gives heap bytes per pass, hence per record.
 */
public class ExampleParseBenchmark extends BenchmarkDefaults {
  static final int BATCH_ROWS = 256;

  /** One parser and one reusable batch of references per benchmark thread. */
  @State(Scope.Thread)
  public static class Parser {
    ExampleParser parser;
    SerializedRecords batch;

    @Setup(Level.Trial)
    public void create(SampleRecords data) {
      parser = new ExampleParser(data.spec(), PooledByteBufAllocator.DEFAULT);
      batch = new SerializedRecords(BATCH_ROWS);
    }
  }

  @Benchmark
  public void ingest(SampleRecords data, Parser state, PassCounters counters, Blackhole bh,
      Control control) throws InvalidExampleException {
    boolean measured = PassCounters.measured(control);
    int records = data.records();
    for (int first = 0; first < records; first += BATCH_ROWS) {
      SerializedRecords batch = state.batch;
      batch.clear();
      int end = Math.min(records, first + BATCH_ROWS);
      for (int record = first; record < end; record++) {
        batch.add(data.direct(), data.start(record), data.length(record), null, -1, record);
      }
      try (Batch parsed = state.parser.parse(batch)) {
        bh.consume(parsed.column("label").longs().get(0));
      }
    }
    counters.add(measured, data.payloadBytes(), records);
  }

  @Benchmark
  public void protobufParseFrom(SampleRecords data, PassCounters counters, Blackhole bh,
      Control control) throws Exception {
    boolean measured = PassCounters.measured(control);
    int records = data.records();
    for (int first = 0; first < records; first += BATCH_ROWS) {
      int end = Math.min(records, first + BATCH_ROWS);
      bh.consume(NaiveLoader.batch(data.kind, first, end, data::array));
    }
    counters.add(measured, data.payloadBytes(), records);
  }
}
