package dev.ingest.tensorflow;

import dev.ingest.Batch;
import dev.ingest.ExampleSpec;
import dev.ingest.InvalidExampleException;
import dev.ingest.PaddingSpec;
import dev.ingest.tfrecord.example.ExampleEncoder;
import dev.ingest.tfrecord.example.ExampleParser;
import dev.ingest.tfrecord.example.SerializedRecords;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Batches parsed by ingest's own parser from examples a test writes with {@link ExampleEncoder}. */
final class TestBatches {
  private TestBatches() {}

  /** One serialized example, filled by {@code features}. */
  static byte[] example(Consumer<ExampleEncoder> features) {
    ExampleEncoder encoder = new ExampleEncoder();
    features.accept(encoder);
    return encoder.toByteArray();
  }

  /** The batch of {@code records} under {@code spec}; the caller closes it. */
  static Batch parse(ExampleSpec spec, List<byte[]> records) {
    return parse(spec, PaddingSpec.none(), records);
  }

  /** The padded batch of {@code records}; the caller closes it. */
  static Batch parse(ExampleSpec spec, PaddingSpec padding, List<byte[]> records) {
    SerializedRecords serialized = new SerializedRecords(records.size());
    List<ByteBuf> buffers = new ArrayList<>();
    try {
      for (byte[] record : records) {
        ByteBuf buffer = Unpooled.wrappedBuffer(record);
        buffers.add(buffer);
        serialized.add(buffer);
      }
      return new ExampleParser(spec, padding, PooledByteBufAllocator.DEFAULT).parse(serialized);
    } catch (InvalidExampleException e) {
      throw new AssertionError(e);
    } finally {
      buffers.forEach(ByteBuf::release);
    }
  }
}
