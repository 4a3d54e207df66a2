package dev.ingest.tfrecord.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.ingest.Batch;
import dev.ingest.Column;
import dev.ingest.DType;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import dev.ingest.InvalidExampleException;
import dev.ingest.InvalidExampleException.Reason;
import dev.ingest.PaddingSpec;
import dev.ingest.tfrecord.CountingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.BytesList;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.FloatList;
import org.tensorflow.proto.Int64List;

class ExampleParserTest {
  private final List<ByteBuf> buffers = new ArrayList<>();

  @AfterEach
  void releaseRecords() {
    buffers.forEach(ByteBuf::release);
  }

  @Test
  void parsesFixedVarLenAndBytesFeaturesIntoColumns() throws Exception {
    ExampleSpec spec = ExampleSpec.of(
        FeatureSpec.fixed("x", DType.FLOAT32, 3),
        FeatureSpec.fixed("label", DType.INT64),
        FeatureSpec.varLen("tokens", DType.INT64),
        FeatureSpec.fixed("image", DType.BYTES));
    SerializedRecords records = records(
        example(floats("x", 1f, 2f, 3f), longs("label", 7), longs("tokens", 5, -1, 300),
            bytes("image", "cat"), floats("ignored", 9f)),
        example(floats("x", 4f, 5f, 6f), longs("label", -2), bytes("image", "horse")));
    try (Batch batch = new ExampleParser(spec).parse(records)) {
      assertThat(batch.rows()).isEqualTo(2);
      assertThat(batch.columns()).extracting(Column::name)
          .containsExactly("image", "label", "tokens", "x");
      assertThat(toArray(batch.floats("x"))).containsExactly(1f, 2f, 3f, 4f, 5f, 6f);
      assertThat(toArray(batch.longs("label"))).containsExactly(7L, -2L);
      Column tokens = batch.column("tokens");
      assertThat(tokens.ragged()).isTrue();
      assertThat(toArray(tokens.longs())).containsExactly(5L, -1L, 300L);
      assertThat(toArray(tokens.rowSplits())).containsExactly(0L, 3L, 3L);
      assertThat(tokens.rowLength(1)).isZero();
      assertThat(utf8(batch.bytes("image", 0))).isEqualTo("cat");
      assertThat(utf8(batch.bytes("image", 1))).isEqualTo("horse");
      for (Column column : batch.columns()) {
        assertThat(column.values().alignmentOffset(0, 64)).as(column.name()).isZero();
      }
    }
  }

  /**
   * With a {@code RejectedRows}, a bad record leaves a placeholder row and is reported; the rows
   * around it are exactly what they would be without it, whichever feature was bad (one after
   * features already written into their columns, so those must be taken back too).
   */
  @Test
  void rejectedRecordsLeavePlaceholderRowsAndTheirNeighboursIntact() throws Exception {
    ExampleSpec spec = ExampleSpec.of(
        FeatureSpec.fixed("x", DType.FLOAT32, 2),
        FeatureSpec.fixed("image", DType.BYTES, 2),
        FeatureSpec.varLen("tokens", DType.INT64),
        FeatureSpec.fixed("label", DType.INT64));
    SerializedRecords records = records(
        example(floats("x", 1f, 2f), bytes("image", "a", "b"), longs("tokens", 1, 2, 3),
            longs("label", 10)),
        // Every feature but the last written before the bad one is found.
        example(floats("x", 9f, 9f), bytes("image", "bad", "bad"), longs("tokens", 9, 9, 9, 9)),
        new byte[] {0x0A, 0x7F, 0x01},
        example(floats("x", 3f, 4f), bytes("image", "c", "d"), longs("tokens"), longs("label", 30)),
        example(floats("x", 5f), bytes("image", "e", "f"), longs("label", 40)),
        example(floats("x", 7f, 8f), bytes("image", "g", "h"), longs("tokens", 4), longs("label", 50)));
    List<Integer> rejectedRows = new ArrayList<>();
    List<Reason> reasons = new ArrayList<>();
    try (Batch batch = new ExampleParser(spec).parse(records, (row, why) -> {
      rejectedRows.add(row);
      reasons.add(why.reason());
    })) {
      assertThat(rejectedRows).containsExactly(1, 2, 4);
      assertThat(reasons).containsExactly(Reason.MISSING, Reason.MALFORMED, Reason.WRONG_COUNT);
      assertThat(batch.rows()).isEqualTo(6);
      assertThat(toArray(batch.floats("x")))
          .containsExactly(1f, 2f, 0f, 0f, 0f, 0f, 3f, 4f, 0f, 0f, 7f, 8f);
      assertThat(toArray(batch.longs("label"))).containsExactly(10L, 0L, 0L, 30L, 0L, 50L);
      Column tokens = batch.column("tokens");
      assertThat(toArray(tokens.longs())).containsExactly(1L, 2L, 3L, 4L);
      assertThat(toArray(tokens.rowSplits())).containsExactly(0L, 3L, 3L, 3L, 3L, 3L, 4L);
      List<String> images = new ArrayList<>();
      for (int row = 0; row < 6; row++) {
        for (int i = 0; i < 2; i++) {
          images.add(utf8(batch.column("image").bytes(row, i)));
        }
      }
      assertThat(images).containsExactly("a", "b", "", "", "", "", "c", "d", "", "", "g", "h");
    }
  }

  /**
   * Packed int64 lists made of runs of varints of one width (one, two, three or ten bytes), runs
   * of every length at every alignment: the parser's word-at-a-time paths (eight one-byte or four
   * two-byte varints in a word) and its general path must decode them as they were written.
   */
  @Test
  void packedVarintRunsOfEveryWidthAndAlignmentDecodeAsWritten() throws Exception {
    ExampleSpec spec = ExampleSpec.of(FeatureSpec.varLen("tokens", DType.INT64));
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    int[] widths = {1, 2, 3, 10};
    long[][] lists = new long[400][];
    for (int r = 0; r < lists.length; r++) {
      List<Long> values = new ArrayList<>();
      for (int run = random.nextInt(1, 6); run > 0; run--) {
        int width = widths[random.nextInt(widths.length)];
        for (int i = random.nextInt(20); i > 0; i--) {
          values.add(valueOfWidth(width, random));
        }
      }
      lists[r] = values.stream().mapToLong(Long::longValue).toArray();
    }
    SerializedRecords records = records(java.util.Arrays.stream(lists)
        .map(list -> example(longs("tokens", list))).toArray());
    try (Batch batch = new ExampleParser(spec).parse(records)) {
      Column tokens = batch.column("tokens");
      long[] decoded = toArray(tokens.longs());
      long[] splits = toArray(tokens.rowSplits());
      for (int r = 0; r < lists.length; r++) {
        assertThat(java.util.Arrays.copyOfRange(decoded, (int) splits[r], (int) splits[r + 1]))
            .as("record %d", r).containsExactly(lists[r]);
      }
    }
  }

  private static long valueOfWidth(int width, java.util.SplittableRandom random) {
    switch (width) {
      case 1:
        return random.nextInt(1 << 7);
      case 2:
        return random.nextInt(1 << 7, 1 << 14);
      case 3:
        return random.nextInt(1 << 14, 1 << 21);
      default:
        return -random.nextInt(1, 1000); // negative int64s are ten bytes
    }
  }

  @Test
  void packedAndUnpackedValuesMix() throws Exception {
    // Int64List { value: [1, 2] packed } then { value: 3 } unpacked, in one list message.
    ByteString packed = ByteString.copyFrom(new byte[] {0x0a, 0x02, 0x01, 0x02, 0x08, 0x03});
    Feature feature = Feature.newBuilder()
        .setInt64List(Int64List.parseFrom(packed)).build();
    assertThat(feature.getInt64List().getValueList()).containsExactly(1L, 2L, 3L);
    ExampleSpec spec = ExampleSpec.of(FeatureSpec.fixed("v", DType.INT64, 3));
    try (Batch batch = new ExampleParser(spec).parse(records(example(entry("v", feature))))) {
      assertThat(toArray(batch.longs("v"))).containsExactly(1L, 2L, 3L);
    }
  }

  @Test
  void lastDuplicateKeyWins() throws Exception {
    byte[] first = example(longs("v", 1)).toByteArray();
    byte[] second = example(longs("v", 2)).toByteArray();
    // Concatenated Examples merge: the second map entry for "v" replaces the first.
    byte[] merged = concat(first, second);
    assertThat(Example.parseFrom(merged).getFeatures().getFeatureMap().get("v")
        .getInt64List().getValue(0)).isEqualTo(2L);
    ExampleSpec spec = ExampleSpec.of(FeatureSpec.fixed("v", DType.INT64));
    try (Batch batch = new ExampleParser(spec).parse(records(merged))) {
      assertThat(toArray(batch.longs("v"))).containsExactly(2L);
    }
  }

  @Test
  void defaultsFillMissingFixedFeatures() throws Exception {
    ExampleSpec spec = ExampleSpec.of(
        FeatureSpec.fixed("a", DType.FLOAT32, 2).withDefault(0.5f),
        FeatureSpec.fixed("b", DType.INT64, 2).withDefault(1L, 2L),
        FeatureSpec.fixed("c", DType.BYTES).withDefault("none"));
    try (Batch batch = new ExampleParser(spec).parse(records(example(longs("b", 8, 9))))) {
      assertThat(toArray(batch.floats("a"))).containsExactly(0.5f, 0.5f);
      assertThat(toArray(batch.longs("b"))).containsExactly(8L, 9L);
      assertThat(utf8(batch.bytes("c", 0))).isEqualTo("none");
    }
  }

  @Test
  void errorsNameRecordFeatureAndReason() {
    ExampleSpec spec = ExampleSpec.of(FeatureSpec.fixed("label", DType.INT64),
        FeatureSpec.fixed("x", DType.FLOAT32, 2));
    assertInvalid(spec, example(floats("x", 1f, 2f)), Reason.MISSING, "label", "is missing");
    assertInvalid(spec, example(longs("label", 1), floats("x", 1f)), Reason.WRONG_COUNT, "x",
        "has 1 values, shape [2] needs 2");
    assertInvalid(spec, example(floats("label", 1f), floats("x", 1f, 2f)), Reason.WRONG_DTYPE,
        "label", "holds float32 values, the spec says int64");
    byte[] cut = example(longs("label", 1), floats("x", 1f, 2f)).toByteArray();
    assertInvalid(spec, java.util.Arrays.copyOf(cut, cut.length - 3), Reason.MALFORMED, null,
        "not a valid tf.train.Example");
  }

  @Test
  void paddedBatchMakesVarLenFeaturesDense() throws Exception {
    ExampleSpec spec = ExampleSpec.of(
        FeatureSpec.varLen("tokens", DType.INT64),
        FeatureSpec.varLen("weights", DType.FLOAT32),
        FeatureSpec.varLen("words", DType.BYTES));
    PaddingSpec padding = PaddingSpec.none()
        .pad("tokens", 4).withValue("tokens", -1L)
        .pad("weights", PaddingSpec.LONGEST)
        .pad("words", 2).withValue("words", "<pad>");
    SerializedRecords records = records(
        example(longs("tokens", 1, 2, 3), floats("weights", 0.5f), bytes("words", "a")),
        example(floats("weights", 1f, 2f, 3f), bytes("words", "b", "cd")),
        example(longs("tokens", 4, 5, 6, 7)));
    try (Batch batch = new ExampleParser(spec, padding, io.netty.buffer.PooledByteBufAllocator.DEFAULT)
        .parse(records)) {
      Column tokens = batch.column("tokens");
      assertThat(tokens.ragged()).isFalse();
      assertThat(tokens.rowShape()).containsExactly(4);
      assertThat(toArray(tokens.longs()))
          .containsExactly(1L, 2L, 3L, -1L, -1L, -1L, -1L, -1L, 4L, 5L, 6L, 7L);
      Column weights = batch.column("weights");
      assertThat(weights.rowShape()).containsExactly(3);
      assertThat(toArray(weights.floats()))
          .containsExactly(0.5f, 0f, 0f, 1f, 2f, 3f, 0f, 0f, 0f);
      Column words = batch.column("words");
      assertThat(words.rowShape()).containsExactly(2);
      assertThat(words.valueCount()).isEqualTo(6);
      List<String> texts = new ArrayList<>();
      for (int row = 0; row < 3; row++) {
        for (int i = 0; i < 2; i++) {
          texts.add(utf8(words.bytes(row, i)));
        }
      }
      assertThat(texts).containsExactly("a", "<pad>", "b", "cd", "<pad>", "<pad>");
      assertThat(tokens.values().alignmentOffset(0, 64)).isZero();
    }
  }

  @Test
  void paddedBatchFillsWithTheConfiguredFloatAndInt64Values() throws Exception {
    ExampleSpec spec = ExampleSpec.of(
        FeatureSpec.varLen("weights", DType.FLOAT32), FeatureSpec.varLen("tokens", DType.INT64));
    PaddingSpec padding = PaddingSpec.none()
        .pad("weights", 3).withValue("weights", -1.5f)
        .pad("tokens", PaddingSpec.LONGEST).withValue("tokens", 9L);
    SerializedRecords records = records(
        example(floats("weights", 0.5f), longs("tokens", 1, 2)),
        example(floats("weights", 1f, 2f, 3f)));
    try (Batch batch = new ExampleParser(spec, padding,
        io.netty.buffer.PooledByteBufAllocator.DEFAULT).parse(records)) {
      assertThat(toArray(batch.column("weights").floats()))
          .containsExactly(0.5f, -1.5f, -1.5f, 1f, 2f, 3f);
      assertThat(toArray(batch.column("tokens").longs())).containsExactly(1L, 2L, 9L, 9L);
    }
  }

  /**
   * Padding values as a YAML reader hands them over: an Integer for an int64 feature, a Double
   * or an Integer for a float32 one. A fraction for an int64, or a string for a number, is
   * refused when the parser is made, naming the feature.
   */
  @Test
  void paddingValuesOfAnotherNumberTypeConvertWhenTheyMeanTheSameValue() throws Exception {
    ExampleSpec spec = ExampleSpec.of(
        FeatureSpec.varLen("weights", DType.FLOAT32), FeatureSpec.varLen("tokens", DType.INT64));
    PaddingSpec padding = PaddingSpec.none()
        .pad("weights", 2).withValue("weights", 0.25d)
        .pad("tokens", 2).withValue("tokens", 7);
    SerializedRecords records = records(example(floats("weights", 1f), longs("tokens", 1)));
    try (Batch batch = new ExampleParser(spec, padding,
        io.netty.buffer.PooledByteBufAllocator.DEFAULT).parse(records)) {
      assertThat(toArray(batch.column("weights").floats())).containsExactly(1f, 0.25f);
      assertThat(toArray(batch.column("tokens").longs())).containsExactly(1L, 7L);
    }
    assertThatThrownBy(() -> new ExampleParser(spec,
        PaddingSpec.none().pad("tokens", 2).withValue("tokens", 0.5d),
        io.netty.buffer.PooledByteBufAllocator.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("padding value 0.5 of 'tokens' is not a int64");
    assertThatThrownBy(() -> new ExampleParser(spec,
        PaddingSpec.none().pad("weights", 2).withValue("weights", "pad"),
        io.netty.buffer.PooledByteBufAllocator.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("of 'weights' is not a float32");
  }

  @Test
  void rowLongerThanItsPaddedLengthIsAnError() {
    ExampleSpec spec = ExampleSpec.of(FeatureSpec.varLen("tokens", DType.INT64));
    PaddingSpec padding = PaddingSpec.none().pad("tokens", 2);
    SerializedRecords records = records(example(longs("tokens", 1)), example(longs("tokens", 1, 2, 3)));
    assertThatThrownBy(() -> new ExampleParser(spec, padding,
            io.netty.buffer.PooledByteBufAllocator.DEFAULT).parse(records))
        .isInstanceOfSatisfying(InvalidExampleException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.WRONG_COUNT);
          assertThat(e.recordIndex()).isEqualTo(1);
        })
        .hasMessageContaining("more than its padded length 2");
  }

  @Test
  void paddingOnlyAppliesToVarLenFeaturesOfTheSpec() {
    ExampleSpec spec = ExampleSpec.of(FeatureSpec.fixed("x", DType.FLOAT32, 3),
        FeatureSpec.varLen("t", DType.INT64));
    var allocator = io.netty.buffer.PooledByteBufAllocator.DEFAULT;
    assertThatThrownBy(() -> new ExampleParser(spec, PaddingSpec.none().pad("x", 3), allocator))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already has the fixed shape");
    assertThatThrownBy(() -> new ExampleParser(spec, PaddingSpec.none().pad("y", 3), allocator))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not produce");
    assertThatThrownBy(() -> new ExampleParser(spec,
            PaddingSpec.none().pad("t", 3).withValue("t", 1.5f), allocator))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a int64");
  }

  @Test
  void releasesEveryColumnOnCloseAndOnFailure() throws Exception {
    CountingAllocator allocator = new CountingAllocator();
    ExampleSpec spec = ExampleSpec.of(FeatureSpec.varLen("t", DType.BYTES),
        FeatureSpec.fixed("x", DType.FLOAT32, 2));
    Batch batch = new ExampleParser(spec, allocator)
        .parse(records(example(bytes("t", "a", "b"), floats("x", 1f, 2f))));
    assertThat(allocator.liveBuffers()).isPositive();
    batch.retain();
    batch.close();
    assertThat(batch.refCnt()).isEqualTo(1);
    assertThat(allocator.liveBuffers()).isPositive();
    batch.close();
    assertThat(allocator.liveBuffers()).isZero();
    assertThatThrownBy(batch::close).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new ExampleParser(spec, allocator)
            .parse(records(example(bytes("t", "a")), example(floats("x", 1f)))))
        .isInstanceOf(InvalidExampleException.class);
    assertThat(allocator.liveBuffers()).isZero();
  }

  @Test
  void digestIsTheCanonicalFormOfTheContract() throws Exception {
    ExampleSpec spec = ExampleSpec.of(
        FeatureSpec.fixed("b", DType.FLOAT32),
        FeatureSpec.varLen("a", DType.BYTES));
    SerializedRecords records = records(
        example(floats("b", 1.5f), bytes("a", "xy", "")),
        example(floats("b", -2f)));
    // Hand-built canonical form: "a" then "b" (ascending UTF-8 names).
    java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
    ByteBuffer scratch = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    expected.writeBytes(new byte[] {'a', 0, 'b'});
    expected.write(scratch.clear().putInt(2).array(), 0, 4);
    expected.write(scratch.clear().putInt(2).array(), 0, 4);
    expected.writeBytes(new byte[] {'x', 'y'});
    expected.write(scratch.clear().putInt(0).array(), 0, 4);
    expected.write(scratch.clear().putInt(0).array(), 0, 4);
    expected.writeBytes(new byte[] {'b', 0, 'f'});
    expected.write(scratch.clear().putInt(1).array(), 0, 4);
    expected.write(scratch.clear().putFloat(1.5f).array(), 0, 4);
    expected.write(scratch.clear().putInt(1).array(), 0, 4);
    expected.write(scratch.clear().putFloat(-2f).array(), 0, 4);
    byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(expected.toByteArray());
    try (Batch batch = new ExampleParser(spec).parse(records)) {
      assertThat(dev.ingest.BatchDigest.of(batch)).isEqualTo(sha);
      assertThat(dev.ingest.BatchDigest.hex(batch)).hasSize(64);
    }
  }

  @Test
  void parsersOnSeveralThreadsParseTheirOwnBatchesFromSharedRecords() throws Exception {
    ExampleSpec spec = ExampleSpec.of(FeatureSpec.varLen("tokens", DType.INT64),
        FeatureSpec.fixed("x", DType.FLOAT32, 2), FeatureSpec.fixed("w", DType.BYTES));
    int batches = 64;
    List<SerializedRecords> units = new ArrayList<>();
    for (int b = 0; b < batches; b++) {
      Object[] examples = new Object[17];
      for (int r = 0; r < examples.length; r++) {
        long[] tokens = new long[(b * 7 + r) % 40];
        java.util.Arrays.fill(tokens, b * 1000L + r);
        examples[r] = example(longs("tokens", tokens), floats("x", b, r), bytes("w", "b" + b + "r" + r));
      }
      units.add(records(examples));
    }
    List<String> sequential = new ArrayList<>();
    ExampleParser single = new ExampleParser(spec);
    for (SerializedRecords unit : units) {
      try (Batch batch = single.parse(unit)) {
        sequential.add(dev.ingest.BatchDigest.hex(batch));
      }
    }
    // Four workers, each with its own parser, take every fourth batch, as a parallel stage does.
    int workers = 4;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(workers);
    try {
      String[] parallel = new String[batches];
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        int worker = w;
        done.add(pool.submit(() -> {
          ExampleParser parser = new ExampleParser(spec);
          for (int b = worker; b < batches; b += workers) {
            try (Batch batch = parser.parse(units.get(b))) {
              parallel[b] = dev.ingest.BatchDigest.hex(batch);
            }
          }
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> future : done) {
        future.get(60, java.util.concurrent.TimeUnit.SECONDS);
      }
      assertThat(parallel).containsExactlyElementsOf(sequential);
      assertThat(new java.util.HashSet<>(sequential)).hasSize(batches);
    } finally {
      pool.shutdownNow();
    }
  }

  private void assertInvalid(ExampleSpec spec, Object record, Reason reason, String feature,
      String detail) {
    SerializedRecords records = new SerializedRecords(2);
    ByteBuf good = track(Unpooled.wrappedBuffer(
        example(longs("label", 1), floats("x", 1f, 2f)).toByteArray()));
    records.add(good, 0, good.readableBytes(), Path.of("f.tfrecord"), 0, 0);
    byte[] bytes = record instanceof Example ? ((Example) record).toByteArray() : (byte[]) record;
    ByteBuf bad = track(Unpooled.wrappedBuffer(bytes));
    records.add(bad, 0, bad.readableBytes(), Path.of("f.tfrecord"), 1234, 1);
    assertThatThrownBy(() -> new ExampleParser(spec).parse(records))
        .isInstanceOfSatisfying(InvalidExampleException.class, e -> {
          assertThat(e.reason()).isEqualTo(reason);
          assertThat(e.feature()).isEqualTo(feature);
          assertThat(e.recordIndex()).isEqualTo(1);
          assertThat(e.offset()).isEqualTo(1234);
          assertThat(e.getMessage()).startsWith("f.tfrecord: record 1 at offset 1234").contains(detail);
        });
  }

  // ---- builders ------------------------------------------------------------------------------

  private SerializedRecords records(Object... examples) {
    SerializedRecords records = new SerializedRecords(examples.length);
    for (Object example : examples) {
      byte[] bytes = example instanceof Example ? ((Example) example).toByteArray() : (byte[]) example;
      ByteBuf direct = track(Unpooled.directBuffer(bytes.length + 10));
      direct.writeZero(10).writeBytes(bytes);
      records.add(direct, 10, bytes.length, null, -1, records.size());
    }
    return records;
  }

  private ByteBuf track(ByteBuf buffer) {
    buffers.add(buffer);
    return buffer;
  }

  @SafeVarargs
  private static Example example(java.util.Map.Entry<String, Feature>... entries) {
    Features.Builder features = Features.newBuilder();
    for (java.util.Map.Entry<String, Feature> entry : entries) {
      features.putFeature(entry.getKey(), entry.getValue());
    }
    return Example.newBuilder().setFeatures(features).build();
  }

  private static java.util.Map.Entry<String, Feature> entry(String name, Feature feature) {
    return java.util.Map.entry(name, feature);
  }

  private static java.util.Map.Entry<String, Feature> floats(String name, float... values) {
    FloatList.Builder list = FloatList.newBuilder();
    for (float value : values) {
      list.addValue(value);
    }
    return entry(name, Feature.newBuilder().setFloatList(list).build());
  }

  private static java.util.Map.Entry<String, Feature> longs(String name, long... values) {
    Int64List.Builder list = Int64List.newBuilder();
    for (long value : values) {
      list.addValue(value);
    }
    return entry(name, Feature.newBuilder().setInt64List(list).build());
  }

  private static java.util.Map.Entry<String, Feature> bytes(String name, String... values) {
    BytesList.Builder list = BytesList.newBuilder();
    for (String value : values) {
      list.addValue(ByteString.copyFromUtf8(value));
    }
    return entry(name, Feature.newBuilder().setBytesList(list).build());
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] joined = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, joined, a.length, b.length);
    return joined;
  }

  private static float[] toArray(java.nio.FloatBuffer buffer) {
    float[] values = new float[buffer.remaining()];
    buffer.get(values);
    return values;
  }

  private static long[] toArray(java.nio.LongBuffer buffer) {
    long[] values = new long[buffer.remaining()];
    buffer.get(values);
    return values;
  }

  private static String utf8(ByteBuffer bytes) {
    return StandardCharsets.UTF_8.decode(bytes).toString();
  }
}
