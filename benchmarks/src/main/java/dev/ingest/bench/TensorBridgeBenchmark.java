package dev.ingest.bench;

import dev.ingest.Batch;
import dev.ingest.Column;
import dev.ingest.InvalidExampleException;
import dev.ingest.tensorflow.BatchTensors;
import dev.ingest.tensorflow.TensorBridge;
import dev.ingest.tfrecord.example.ExampleEncoder;
import dev.ingest.tfrecord.example.ExampleParser;
import dev.ingest.tfrecord.example.SerializedRecords;
import dev.ingest.tfrecord.sample.SampleKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * A parsed tabular batch ({@code features} float32 [32], {@code label} int64) into TensorFlow
 * tensors, three ways; one operation is one batch made into tensors and the tensors closed.
 *
 * <ul>
 *   <li>{@code bridge}: {@link TensorBridge#toTensors}, one bulk copy per column into memory
 *       TensorFlow allocated.
 *   <li>{@code naive}: {@code Tensor.of(type, shape, DataBuffers.of(column.values()))}, what
 *       TensorFlow Java offers for a direct buffer, which copies byte by byte.
 *   <li>{@code allocateOnly}: the same tensors allocated and closed without copying anything, the
 *       floor under both; {@code bridge} minus it is the copy's cost.
 * </ul>
 */
public class TensorBridgeBenchmark extends BenchmarkDefaults {

  /** One batch of {@code rows} tabular records, parsed by ingest, kept for the whole trial. */
  @State(Scope.Thread)
  public static class TabularBatch {
    @Param({"256", "4096"})
    int rows;

    Batch batch;
    Shape featuresShape;
    Shape labelShape;

    @Setup(Level.Trial)
    public void parse() throws InvalidExampleException {
      SplittableRandom random = new SplittableRandom(1);
      ExampleEncoder encoder = new ExampleEncoder();
      SerializedRecords records = new SerializedRecords(rows);
      ByteBuf[] buffers = new ByteBuf[rows];
      for (int i = 0; i < rows; i++) {
        encoder.clear();
        SampleKind.TABULAR.next(random, encoder);
        buffers[i] = Unpooled.wrappedBuffer(encoder.toByteArray());
        records.add(buffers[i]);
      }
      batch = new ExampleParser(SampleKind.TABULAR.exampleSpec(), PooledByteBufAllocator.DEFAULT)
          .parse(records);
      for (ByteBuf buffer : buffers) {
        buffer.release();
      }
      featuresShape = Shape.of(rows, SampleKind.TABULAR_FEATURES);
      labelShape = Shape.of(rows);
    }

    @TearDown(Level.Trial)
    public void release() {
      batch.close();
    }
  }

  @Benchmark
  public long bridge(TabularBatch state) {
    try (BatchTensors tensors = TensorBridge.toTensors(state.batch)) {
      return tensors.floats("features").numBytes() + tensors.longs("label").numBytes();
    }
  }

  @Benchmark
  public long naive(TabularBatch state) {
    Column features = state.batch.column("features");
    Column label = state.batch.column("label");
    try (TFloat32 x = Tensor.of(TFloat32.class, state.featuresShape,
            DataBuffers.of(features.values()));
        TInt64 y = Tensor.of(TInt64.class, state.labelShape, DataBuffers.of(label.values()))) {
      return x.numBytes() + y.numBytes();
    }
  }

  @Benchmark
  public long allocateOnly(TabularBatch state) {
    try (TFloat32 x = TFloat32.tensorOf(state.featuresShape);
        TInt64 y = TInt64.tensorOf(state.labelShape)) {
      return x.numBytes() + y.numBytes();
    }
  }
}
