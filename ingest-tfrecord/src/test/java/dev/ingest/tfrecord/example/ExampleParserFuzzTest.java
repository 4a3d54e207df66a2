package dev.ingest.tfrecord.example;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ingest.Column;
import dev.ingest.DType;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import dev.ingest.InvalidExampleException;
import dev.ingest.MutableBatch;
import dev.ingest.PaddingSpec;
import dev.ingest.tfrecord.CountingAllocator;
import dev.ingest.fuzz.FuzzSeed;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Feeds the fused Example parser random feature specs (fixed shapes, var-len, every dtype,
 * defaults, padding) and random payloads, then copies every parsed row through a {@link
 * BatchAssembler}, as a filtered pipeline does.
 *
 * <p>The invariant: the parser throws nothing but {@link InvalidExampleException}; a batch it
 * returns has a row per record and columns whose rows agree with the spec; and every column
 * buffer, of batches made, of batches abandoned half-way and of failed parses, goes back to the
 * allocator (counted exactly after each input). The inputs under {@code
 * ExampleParserFuzzTestInputs/} replay in every test run.
 */
class ExampleParserFuzzTest {
  /** Few, short names, so that random payloads can hit them. */
  private static final String[] NAMES = {"a", "b", "label", "x"};
  private static final DType[] DTYPES = DType.values();
  private static final CountingAllocator ALLOCATOR = new CountingAllocator();

  @FuzzTest(maxDuration = "60s")
  void parseExamples(FuzzedDataProvider data) {
    ExampleSpec spec;
    PaddingSpec padding = PaddingSpec.none();
    ExampleParser parser;
    ExampleParser unpaddedParser;
    try {
      List<FeatureSpec> features = new ArrayList<>();
      int count = data.consumeInt(1, 3);
      for (int i = 0; i < count; i++) {
        features.add(feature(data, NAMES[(i + data.consumeInt(0, 3)) % NAMES.length]));
      }
      spec = new ExampleSpec(features);
      for (FeatureSpec feature : spec.features()) {
        if (feature.varLen() && data.consumeBoolean()) {
          padding = padding.pad(feature.name(), data.consumeInt(PaddingSpec.LONGEST, 4));
          if (data.consumeBoolean()) {
            padding = padding.withValue(feature.name(), value(data, feature.dtype()));
          }
        }
      }
      parser = new ExampleParser(spec, padding, ALLOCATOR);
      unpaddedParser = new ExampleParser(spec, PaddingSpec.none(), ALLOCATOR);
    } catch (IllegalArgumentException refusedSpec) {
      return; // a spec the API refuses up front: configuration, not data
    }

    int rows = data.consumeInt(1, 4);
    SerializedRecords records = new SerializedRecords(rows);
    for (int row = 0; row < rows; row++) {
      byte[] record = row == rows - 1
          ? data.consumeRemainingAsBytes() : data.consumeBytes(data.consumeInt(0, 256));
      // Records sit inside larger buffers, as they do in a reader's chunk.
      ByteBuf buffer = Unpooled.buffer(record.length + 8);
      buffer.writeZero(3).writeBytes(record).writeZero(5);
      records.add(buffer, 3, record.length, Path.of("fuzz.tfrecord"), 100L * row, row);
    }
    MutableBatch batch = null;
    try {
      batch = parser.parse(records);
    } catch (InvalidExampleException invalid) {
      assertThat(invalid.getMessage()).isNotBlank();
    }
    assertThat(ALLOCATOR.liveBuffers() == 0 || batch != null)
        .as("a failed parse kept column buffers").isTrue();
    if (batch != null) {
      try (MutableBatch parsed = batch) {
        check(parsed, spec, padding, rows);
        int batchSize = data.consumeInt(1, rows + 1);
        if (padding.lengths().isEmpty()) {
          reassemble(parsed, parsed, spec, padding, batchSize);
        } else {
          // A pipeline with a filter parses unpadded and pads as it assembles: the same rows.
          try (MutableBatch unpadded = unpaddedParser.parse(records)) {
            reassemble(unpadded, parsed, spec, padding, batchSize);
          } catch (InvalidExampleException e) {
            throw new AssertionError("parsed padded but not unpadded", e);
          }
        }
      }
    }
    assertThat(ALLOCATOR.liveBuffers()).as("column buffers not given back").isZero();
  }

  private static FeatureSpec feature(FuzzedDataProvider data, String name) {
    DType dtype = data.pickValue(DTYPES);
    if (data.consumeBoolean()) {
      return FeatureSpec.varLen(name, dtype);
    }
    int[] shape = new int[data.consumeInt(0, 2)];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = data.consumeInt(0, 4);
    }
    FeatureSpec fixed = FeatureSpec.fixed(name, dtype, shape);
    return data.consumeBoolean() ? fixed.withDefault(value(data, dtype)) : fixed;
  }

  private static Object value(FuzzedDataProvider data, DType dtype) {
    switch (dtype) {
      case FLOAT32:
        return data.consumeFloat();
      case INT64:
        return data.consumeLong();
      default:
        return data.consumeString(8);
    }
  }

  /** What a parsed batch promises: a row per record, each as long as its spec says. */
  private static void check(MutableBatch batch, ExampleSpec spec, PaddingSpec padding, int rows) {
    assertThat(batch.rows()).isEqualTo(rows);
    assertThat(batch.columns()).hasSize(spec.features().size());
    for (FeatureSpec feature : spec.features()) {
      Column column = batch.column(feature.name());
      assertThat(column.rows()).isEqualTo(rows);
      long values = 0;
      for (int row = 0; row < rows; row++) {
        int length = column.rowLength(row);
        assertThat(length).isNotNegative();
        if (!feature.varLen()) {
          assertThat(length).as("values of fixed %s", feature.name())
              .isEqualTo(feature.elementCount());
        } else if (padding.pads(feature.name())
            && padding.lengths().get(feature.name()) != PaddingSpec.LONGEST) {
          assertThat(length).isEqualTo(padding.lengths().get(feature.name()));
        }
        if (feature.dtype() == DType.BYTES) {
          for (int value = 0; value < length; value++) {
            ByteBuffer bytes = column.bytes(row, value);
            values += bytes.remaining();
          }
        }
      }
      if (feature.dtype() != DType.BYTES) {
        assertThat(column.values().remaining())
            .isEqualTo(column.valueCount() * feature.dtype().width());
      }
      assertThat(values).isNotNegative();
    }
  }

  /**
   * Copies every row of {@code chunk} into batches of {@code batchSize} padded as {@code
   * padding} says, abandoning the last one half-way; each batch's rows must be as long as those
   * of {@code expected}, the batch parsed (and padded) in one go.
   */
  private static void reassemble(MutableBatch chunk, MutableBatch expected, ExampleSpec spec,
      PaddingSpec padding, int batchSize) {
    BatchAssembler assembler = new BatchAssembler(spec, padding, ALLOCATOR, batchSize);
    int first = 0;
    for (int row = 0; row < chunk.rows(); row++) {
      assembler.append(chunk, row);
      if (assembler.full()) {
        try (MutableBatch assembled = assembler.finish()) {
          assertThat(assembled.rows()).isEqualTo(batchSize);
          for (FeatureSpec feature : spec.features()) {
            if (padding.lengths().getOrDefault(feature.name(), 0) == PaddingSpec.LONGEST) {
              continue; // the longest row of this batch, not of the whole one
            }
            for (int r = 0; r < batchSize; r++) {
              assertThat(assembled.column(feature.name()).rowLength(r))
                  .as("row %d of %s", first + r, feature.name())
                  .isEqualTo(expected.column(feature.name()).rowLength(first + r));
            }
          }
        }
        first += batchSize;
      }
    }
    assembler.abandon();
  }

  /**
   * Writes the seed inputs into the committed corpus (run once, from the module's folder, with
   * {@code -Dfuzz.writeSeeds=true}): valid Examples of each dtype, fixed and var-len.
   */
  @Test
  @EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = "true")
  void writeSeeds() throws IOException {
    Path inputs = Path.of("src/test/resources/dev/ingest/tfrecord/example/"
        + "ExampleParserFuzzTestInputs/parseExamples");
    // label: int64 scalar; a: float32 [2]; x: var-len bytes, over two records.
    byte[] first = new ExampleEncoder().putInt64("label", 7).putFloats("a", new float[] {1, 2})
        .putBytesList("x", List.of("hi".getBytes(StandardCharsets.UTF_8), new byte[0]))
        .toByteArray();
    byte[] second = new ExampleEncoder().putInt64("label", -1).putFloats("a", new float[] {3, 4})
        .toByteArray();
    FuzzSeed seed = new FuzzSeed().number(3, 1, 3)
        // feature 0: name index (0 + 2) % 4 = label, int64, fixed, shape [], no default
        .number(2, 0, 3).pick(DType.INT64.ordinal(), 3).bool(false).number(0, 0, 2).bool(false)
        // feature 1: name (1 + 3) % 4 = a, float32, fixed, shape [2], no default
        .number(3, 0, 3).pick(DType.FLOAT32.ordinal(), 3).bool(false).number(1, 0, 2)
        .number(2, 0, 4).bool(false)
        // feature 2: name (2 + 1) % 4 = x, bytes, var-len; not padded
        .number(1, 0, 3).pick(DType.BYTES.ordinal(), 3).bool(true).bool(false)
        .number(2, 1, 4).number(first.length, 0, 256).bytes(first).bytes(second);
    seed.writeTo(inputs, "valid-examples");
    // The same Examples with x padded to 3 with "pad".
    new FuzzSeed().number(3, 1, 3)
        .number(2, 0, 3).pick(DType.INT64.ordinal(), 3).bool(false).number(0, 0, 2).bool(false)
        .number(3, 0, 3).pick(DType.FLOAT32.ordinal(), 3).bool(false).number(1, 0, 2)
        .number(2, 0, 4).bool(false)
        .number(1, 0, 3).pick(DType.BYTES.ordinal(), 3).bool(true).bool(true).number(3, -1, 4)
        .bool(false)
        .number(2, 1, 4).number(first.length, 0, 256).bytes(first).bytes(second)
        .writeTo(inputs, "valid-examples-padded");
  }
}
