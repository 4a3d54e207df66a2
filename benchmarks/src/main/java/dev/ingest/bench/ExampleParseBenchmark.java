package dev.ingest.bench;

import dev.ingest.Batch;
import dev.ingest.InvalidExampleException;
import dev.ingest.tfrecord.example.ExampleParser;
import dev.ingest.tfrecord.example.SerializedRecords;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Arrays;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.Control;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;

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
      bh.consume(naiveBatch(data, first, end));
    }
    counters.add(measured, data.payloadBytes(), records);
  }

  /** What a hand-written Java loader does: parse each Example, copy its values into arrays. */
  private static Object naiveBatch(SampleRecords data, int first, int end) throws Exception {
    int rows = end - first;
    long[] labels = new long[rows];
    switch (data.kind) {
      case "image": {
        byte[][] images = new byte[rows][];
        for (int row = 0; row < rows; row++) {
          var features = Example.parseFrom(data.array(first + row)).getFeatures().getFeatureMap();
          images[row] = features.get("image").getBytesList().getValue(0).toByteArray();
          labels[row] = features.get("label").getInt64List().getValue(0);
        }
        return new Object[] {images, labels};
      }
      case "tabular": {
        float[] values = new float[rows * 32];
        for (int row = 0; row < rows; row++) {
          var features = Example.parseFrom(data.array(first + row)).getFeatures().getFeatureMap();
          List<Float> floats = features.get("features").getFloatList().getValueList();
          for (int i = 0; i < 32; i++) {
            values[row * 32 + i] = floats.get(i);
          }
          labels[row] = features.get("label").getInt64List().getValue(0);
        }
        return new Object[] {values, labels};
      }
      default: {
        long[] tokens = new long[rows * 64];
        long[] splits = new long[rows + 1];
        int count = 0;
        for (int row = 0; row < rows; row++) {
          var features = Example.parseFrom(data.array(first + row)).getFeatures().getFeatureMap();
          Feature feature = features.get("tokens");
          int length = feature.getInt64List().getValueCount();
          if (count + length > tokens.length) {
            tokens = Arrays.copyOf(tokens, Math.max(tokens.length * 2, count + length));
          }
          for (int i = 0; i < length; i++) {
            tokens[count++] = feature.getInt64List().getValue(i);
          }
          splits[row + 1] = count;
          labels[row] = features.get("label").getInt64List().getValue(0);
        }
        return new Object[] {tokens, splits, labels};
      }
    }
  }
}
