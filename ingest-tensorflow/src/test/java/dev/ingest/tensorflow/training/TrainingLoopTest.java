package dev.ingest.tensorflow.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ingest.BatchIterator;
import dev.ingest.DType;
import dev.ingest.Dataset;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import dev.ingest.PipelineOptions;
import dev.ingest.tensorflow.BatchTensors;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

class TrainingLoopTest {
  private static final int RECORDS = 4000;
  private static final int EPOCHS = 2;
  private static final int BATCH = 64;

  @TempDir Path dir;

  @Test
  void lossFallsAndTheModelSeesExactlyTheRecordsOnDisk() throws IOException {
    Path data = dir.resolve("tabular");
    SampleDatasets.write(SampleKind.TABULAR, data, RECORDS, 4, Compression.NONE, 9);
    Dataset dataset = Dataset.tfrecord(data.toString())
        .interleave(2, 8)
        .parseExample(SampleKind.TABULAR.exampleSpec())
        .shuffle(500)
        .batch(BATCH, false)
        .prefetch(4)
        .repeat(EPOCHS)
        .withOptions(PipelineOptions.defaults().withSeed(3));
    TrainingLoop loop = new TrainingLoop("features", "label");
    List<String> fedRows = new ArrayList<>();
    TrainingReport report;
    try (BatchIterator batches = dataset.iterator();
        SoftmaxRegression model = new SoftmaxRegression(
            loop.featureWidth(dataset.spec().features()), SampleKind.CLASSES, 0.5f)) {
      report = loop.run(batches, model, -1, tensors -> fedRows.addAll(rows(tensors)));
    }

    long batchesPerEpoch = (RECORDS + BATCH - 1) / BATCH;
    assertThat(report.steps()).isEqualTo(batchesPerEpoch * EPOCHS);
    // Chance is ln(10) = 2.30; the labels are a function of the features, so a linear model
    // that learns drives the loss well below that within two epochs.
    assertThat(report.lossFirst()).isCloseTo((float) Math.log(10), org.assertj.core.data.Offset.offset(0.01f));
    assertThat(report.lossLast()).isLessThan(report.lossFirst() / 2);
    assertThat(report.idleFraction()).isBetween(0.0, 1.0);
    assertThat(report.stepsPerSecond()).isPositive();

    List<String> onDisk = new ArrayList<>();
    for (int epoch = 0; epoch < EPOCHS; epoch++) {
      onDisk.addAll(rowsOnDisk(data));
    }
    assertThat(fedRows).hasSize(RECORDS * EPOCHS);
    assertThat(fedRows).containsExactlyInAnyOrderElementsOf(onDisk);
  }

  @Test
  void aStepLimitStopsEarly() throws IOException {
    Path data = dir.resolve("tabular");
    SampleDatasets.write(SampleKind.TABULAR, data, 1000, 2, Compression.NONE, 1);
    Dataset dataset = Dataset.tfrecord(data.toString())
        .parseExample(SampleKind.TABULAR.exampleSpec()).batch(100, true).repeat(-1);
    try (BatchIterator batches = dataset.iterator();
        SoftmaxRegression model = new SoftmaxRegression(32, 10, 0.1f)) {
      assertThat(new TrainingLoop("features", "label").run(batches, model, 7).steps())
          .isEqualTo(7);
    }
  }

  @Test
  void labelsOutsideTheClassesAreRefused() throws IOException {
    Path data = dir.resolve("tabular");
    SampleDatasets.write(SampleKind.TABULAR, data, 300, 1, Compression.NONE, 1);
    Dataset dataset = Dataset.tfrecord(data.toString())
        .parseExample(SampleKind.TABULAR.exampleSpec()).batch(100, true);
    try (BatchIterator batches = dataset.iterator();
        SoftmaxRegression model = new SoftmaxRegression(32, 2, 0.1f)) {
      assertThatThrownBy(() -> new TrainingLoop("features", "label").run(batches, model, -1))
          .isInstanceOf(LabelOutOfRangeException.class).hasMessageContaining("outside [0, 2)");
    }
  }

  @Test
  void specsWithoutTheColumnsTheModelNeedsAreRefused() {
    TrainingLoop loop = new TrainingLoop("features", "label");
    FeatureSpec label = FeatureSpec.fixed("label", DType.INT64);
    assertThat(loop.featureWidth(ExampleSpec.of(
        FeatureSpec.fixed("features", DType.FLOAT32, 12), label))).isEqualTo(12);
    assertThatThrownBy(() -> loop.featureWidth(ExampleSpec.of(label)))
        .hasMessageContaining("'features'");
    assertThatThrownBy(() -> loop.featureWidth(ExampleSpec.of(
        FeatureSpec.varLen("features", DType.FLOAT32), label))).hasMessageContaining("fixed");
    assertThatThrownBy(() -> loop.featureWidth(ExampleSpec.of(
        FeatureSpec.fixed("features", DType.FLOAT32, 3),
        FeatureSpec.fixed("label", DType.FLOAT32)))).hasMessageContaining("int64");
  }

  /** Each row of the fed tensors as hex: its 32 floats' bits, then its label, little-endian. */
  private static List<String> rows(BatchTensors tensors) {
    TFloat32 features = tensors.floats("features");
    TInt64 labels = tensors.longs("label");
    int width = (int) features.shape().get(1);
    List<String> rows = new ArrayList<>();
    for (int row = 0; row < tensors.rows(); row++) {
      ByteBuffer bytes = ByteBuffer.allocate(width * 4 + 8).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < width; i++) {
        bytes.putFloat(features.getFloat(row, i));
      }
      bytes.putLong(labels.getLong(row));
      rows.add(HexFormat.of().formatHex(bytes.array()));
    }
    return rows;
  }

  /**
   * The same rows read without ingest: the TFRecord framing walked by hand (8-byte length,
   * 4-byte CRC, payload, 4-byte CRC) and each payload parsed by protobuf's Example.
   */
  private static List<String> rowsOnDisk(Path folder) throws IOException {
    List<String> rows = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> listing = Files.list(folder)) {
      files = listing.sorted().toList();
    }
    for (Path file : files) {
      ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
      while (bytes.hasRemaining()) {
        int length = (int) bytes.getLong();
        bytes.position(bytes.position() + 4);
        byte[] payload = new byte[length];
        bytes.get(payload);
        bytes.position(bytes.position() + 4);
        Example example = Example.parseFrom(payload);
        java.util.Map<String, Feature> features = example.getFeatures().getFeatureMap();
        List<Float> values = features.get("features").getFloatList().getValueList();
        ByteBuffer row = ByteBuffer.allocate(values.size() * 4 + 8).order(ByteOrder.LITTLE_ENDIAN);
        values.forEach(row::putFloat);
        row.putLong(features.get("label").getInt64List().getValue(0));
        rows.add(HexFormat.of().formatHex(row.array()));
      }
    }
    return rows;
  }
}
