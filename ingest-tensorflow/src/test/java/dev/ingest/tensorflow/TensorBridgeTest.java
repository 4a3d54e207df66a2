package dev.ingest.tensorflow;

import static dev.ingest.tensorflow.TestBatches.example;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ingest.Batch;
import dev.ingest.BatchDigest;
import dev.ingest.DType;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import dev.ingest.PaddingSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

class TensorBridgeTest {
  private static final ExampleSpec MIXED = ExampleSpec.of(
      FeatureSpec.fixed("x", DType.FLOAT32, 2, 3),
      FeatureSpec.fixed("label", DType.INT64),
      FeatureSpec.varLen("tokens", DType.INT64),
      FeatureSpec.varLen("weights", DType.FLOAT32),
      FeatureSpec.fixed("image", DType.BYTES),
      FeatureSpec.varLen("tags", DType.BYTES));

  @Test
  void fixedColumnsBecomeDenseTensorsOfRowsTimesRowShape() {
    List<byte[]> records = List.of(
        example(e -> e.putFloats("x", new float[] {1, 2, 3, 4, 5, 6}).putInt64("label", 7)),
        example(e -> e.putFloats("x", new float[] {-1, -2, -3, -4, -5, -6.5f})
            .putInt64("label", Long.MIN_VALUE)));
    ExampleSpec spec = ExampleSpec.of(
        FeatureSpec.fixed("x", DType.FLOAT32, 2, 3), FeatureSpec.fixed("label", DType.INT64));
    try (Batch batch = TestBatches.parse(spec, records);
        BatchTensors tensors = TensorBridge.toTensors(batch)) {
      TFloat32 x = tensors.floats("x");
      assertThat(x.shape()).isEqualTo(Shape.of(2, 2, 3));
      assertThat(x.getFloat(0, 1, 2)).isEqualTo(6f);
      assertThat(x.getFloat(1, 1, 2)).isEqualTo(-6.5f);
      assertThat(x.getFloat(1, 0, 0)).isEqualTo(-1f);
      TInt64 label = tensors.longs("label");
      assertThat(label.shape()).isEqualTo(Shape.of(2));
      assertThat(label.getLong(0)).isEqualTo(7);
      assertThat(label.getLong(1)).isEqualTo(Long.MIN_VALUE);
      assertThat(tensors.feature("x").ragged()).isFalse();
      assertThatThrownBy(() -> tensors.rowSplits("x")).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void raggedColumnsBecomeFlatValuesAndRowSplits() {
    List<byte[]> records = List.of(
        example(e -> e.putInt64s("tokens", new long[] {5, -1, 300})),
        example(e -> {}),
        example(e -> e.putInt64s("tokens", new long[] {9})));
    ExampleSpec spec = ExampleSpec.of(FeatureSpec.varLen("tokens", DType.INT64));
    try (Batch batch = TestBatches.parse(spec, records);
        BatchTensors tensors = TensorBridge.toTensors(batch)) {
      TInt64 values = tensors.longs("tokens");
      TInt64 splits = tensors.rowSplits("tokens");
      assertThat(values.shape()).isEqualTo(Shape.of(4));
      assertThat(longs(values)).containsExactly(5L, -1L, 300L, 9L);
      assertThat(splits.shape()).isEqualTo(Shape.of(4));
      assertThat(longs(splits)).containsExactly(0L, 3L, 3L, 4L);
    }
  }

  @Test
  void paddedColumnsBecomeDenseTensorsWithThePadding() {
    List<byte[]> records = List.of(
        example(e -> e.putInt64s("tokens", new long[] {5, 6, 7})),
        example(e -> e.putInt64s("tokens", new long[] {8})));
    ExampleSpec spec = ExampleSpec.of(FeatureSpec.varLen("tokens", DType.INT64));
    PaddingSpec padding = PaddingSpec.none().pad("tokens", 4).withValue("tokens", -9L);
    try (Batch batch = TestBatches.parse(spec, padding, records);
        BatchTensors tensors = TensorBridge.toTensors(batch)) {
      TInt64 tokens = tensors.longs("tokens");
      assertThat(tensors.feature("tokens").ragged()).isFalse();
      assertThat(tokens.shape()).isEqualTo(Shape.of(2, 4));
      assertThat(longs(tokens)).containsExactly(5L, 6L, 7L, -9L, 8L, -9L, -9L, -9L);
    }
  }

  @Test
  void bytesColumnsBecomeStringTensors() {
    List<byte[]> records = List.of(
        example(e -> e.putString("image", "cat").putBytesList("tags",
            List.of(utf8("a"), new byte[0], utf8("bc")))),
        example(e -> e.putBytes("image", new byte[] {0, (byte) 0xFF, 0})));
    ExampleSpec spec = ExampleSpec.of(
        FeatureSpec.fixed("image", DType.BYTES), FeatureSpec.varLen("tags", DType.BYTES));
    try (Batch batch = TestBatches.parse(spec, records);
        BatchTensors tensors = TensorBridge.toTensors(batch)) {
      TString image = tensors.strings("image");
      assertThat(image.shape()).isEqualTo(Shape.of(2));
      assertThat(image.asBytes().getObject(0)).isEqualTo(utf8("cat"));
      assertThat(image.asBytes().getObject(1)).isEqualTo(new byte[] {0, (byte) 0xFF, 0});
      TString tags = tensors.strings("tags");
      assertThat(tags.shape()).isEqualTo(Shape.of(3));
      assertThat(tags.asBytes().getObject(2)).isEqualTo(utf8("bc"));
      assertThat(longs(tensors.rowSplits("tags"))).containsExactly(0L, 3L, 3L);
    }
  }

  @Test
  void tensorsHoldExactlyWhatTheBatchHeldForEveryKindOfColumn() {
    SplittableRandom random = new SplittableRandom(11);
    for (int round = 0; round < 20; round++) {
      List<byte[]> records = randomRecords(random, random.nextInt(0, 40));
      try (Batch batch = TestBatches.parse(MIXED, records);
          BatchTensors tensors = TensorBridge.toTensors(batch)) {
        assertThat(TensorDigest.hex(tensors)).as("round %d", round)
            .isEqualTo(BatchDigest.hex(batch));
      }
    }
  }

  @Test
  void tensorsOutliveTheBatchTheyWereCopiedFrom() {
    List<byte[]> records = randomRecords(new SplittableRandom(3), 17);
    BatchTensors tensors;
    String batchDigest;
    try (Batch batch = TestBatches.parse(MIXED, records)) {
      batchDigest = BatchDigest.hex(batch);
      tensors = TensorBridge.toTensors(batch);
    }
    try (tensors) {
      assertThat(TensorDigest.hex(tensors)).isEqualTo(batchDigest);
    }
  }

  @Test
  void closingReleasesEveryNativeTensorAndForbidsFurtherUse() {
    List<byte[]> records = randomRecords(new SplittableRandom(5), 9);
    try (Batch batch = TestBatches.parse(MIXED, records)) {
      long before = Pointer.totalCount();
      BatchTensors tensors = TensorBridge.toTensors(batch);
      // Six features, three of them ragged: nine tensors, each a native object JavaCPP counts.
      assertThat(Pointer.totalCount() - before).isEqualTo(9);
      tensors.close();
      tensors.close();
      assertThat(Pointer.totalCount()).isEqualTo(before);
      assertThatThrownBy(() -> tensors.floats("x")).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void askingForTheWrongTypeOrAMissingFeatureFails() {
    List<byte[]> records = randomRecords(new SplittableRandom(7), 2);
    try (Batch batch = TestBatches.parse(MIXED, records);
        BatchTensors tensors = TensorBridge.toTensors(batch)) {
      assertThatThrownBy(() -> tensors.longs("x"))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("DT_FLOAT");
      assertThatThrownBy(() -> tensors.feature("nope"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
    }
  }

  /** Records with every kind of column, ragged rows of length 0 to 5 and odd float values. */
  static List<byte[]> randomRecords(SplittableRandom random, int count) {
    float[] odd = {Float.NaN, -0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY};
    List<byte[]> records = new ArrayList<>();
    for (int r = 0; r < count; r++) {
      float[] x = new float[6];
      for (int i = 0; i < x.length; i++) {
        x[i] = random.nextInt(8) == 0 ? odd[random.nextInt(odd.length)] : (float) random.nextGaussian();
      }
      long[] tokens = random.longs(random.nextInt(6)).toArray();
      float[] weights = new float[random.nextInt(6)];
      for (int i = 0; i < weights.length; i++) {
        weights[i] = random.nextFloat();
      }
      byte[] image = new byte[random.nextInt(0, 50)];
      random.nextBytes(image);
      List<byte[]> tags = new ArrayList<>();
      for (int i = random.nextInt(4); i > 0; i--) {
        byte[] tag = new byte[random.nextInt(0, 8)];
        random.nextBytes(tag);
        tags.add(tag);
      }
      long label = random.nextLong();
      records.add(example(e -> e.putFloats("x", x).putInt64("label", label)
          .putInt64s("tokens", tokens).putFloats("weights", weights).putBytes("image", image)
          .putBytesList("tags", tags)));
    }
    return records;
  }

  private static List<Long> longs(TInt64 tensor) {
    List<Long> values = new ArrayList<>();
    tensor.scalars().forEach(scalar -> values.add(scalar.getLong()));
    return values;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
