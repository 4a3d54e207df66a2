package dev.ingest.tensorflow.training;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.Column;
import dev.ingest.DType;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import dev.ingest.tensorflow.BatchTensors;
import dev.ingest.tensorflow.TensorBridge;
import java.nio.LongBuffer;
import java.util.function.Consumer;

/**
 * Trains a {@link SoftmaxRegression} on the batches of an ingest pipeline: each batch becomes
 * tensors ({@link TensorBridge}), one gradient step, and both are closed before the next {@code
 * next()}. The model learns the label column (int64, scalar) from the features column (float32,
 * one fixed-length vector per record), e.g. what {@code ingest gen --kind tabular} writes.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * Runs on the caller's thread, the iterator's one consumer. It does not close the iterator or
 * the model; it closes every batch and tensor it takes.
 */
public final class TrainingLoop {
  private final String featuresName;
  private final String labelName;

  /** A loop over the features column {@code featuresName} and the labels {@code labelName}. */
  public TrainingLoop(String featuresName, String labelName) {
    this.featuresName = featuresName;
    this.labelName = labelName;
  }

  /**
   * The width of the features vector {@code spec} parses, after checking that the spec has the
   * two columns in the types the model needs.
   *
   * @throws IllegalArgumentException naming what is missing or of the wrong type
   */
  public int featureWidth(ExampleSpec spec) {
    FeatureSpec features = spec.feature(featuresName).orElseThrow(() -> missing(featuresName));
    FeatureSpec label = spec.feature(labelName).orElseThrow(() -> missing(labelName));
    if (features.dtype() != DType.FLOAT32 || features.varLen() || features.shape().size() != 1) {
      throw new IllegalArgumentException("feature '" + featuresName
          + "' must be float32 with a fixed shape of one dimension, e.g. [32]");
    }
    if (label.dtype() != DType.INT64 || label.varLen() || !label.shape().isEmpty()) {
      throw new IllegalArgumentException(
          "feature '" + labelName + "' must be an int64 scalar (shape [])");
    }
    return features.shape().get(0);
  }

  /** {@link #run(BatchIterator, SoftmaxRegression, long, Consumer)} with no observer. */
  public TrainingReport run(BatchIterator batches, SoftmaxRegression model, long maxSteps) {
    return run(batches, model, maxSteps, tensors -> {});
  }

  /**
   * Takes up to {@code maxSteps} steps (all the pipeline's batches when negative), showing
   * {@code fed} the tensors of each batch just before they are fed to the session.
   *
   * @throws LabelOutOfRangeException when a label is outside {@code [0, model.classes())}
   */
  public TrainingReport run(BatchIterator batches, SoftmaxRegression model, long maxSteps,
      Consumer<BatchTensors> fed) {
    long start = System.nanoTime();
    long firstBatchAt = -1;
    long steps = 0;
    float lossFirst = Float.NaN;
    float lossLast = Float.NaN;
    while ((maxSteps < 0 || steps < maxSteps) && batches.hasNext()) {
      try (Batch batch = batches.next()) {
        if (firstBatchAt < 0) {
          firstBatchAt = System.nanoTime();
        }
        checkLabels(batch.column(labelName), model.classes());
        try (BatchTensors tensors = TensorBridge.toTensors(batch)) {
          fed.accept(tensors);
          lossLast = model.step(tensors.floats(featuresName), tensors.longs(labelName));
        }
      }
      if (steps++ == 0) {
        lossFirst = lossLast;
      }
    }
    long end = System.nanoTime();
    long waitNanos = batches.stats().waitNanos();
    return firstBatchAt < 0
        ? new TrainingReport(0, Float.NaN, Float.NaN, end - start, 0, 0)
        : new TrainingReport(
            steps, lossFirst, lossLast, firstBatchAt - start, end - firstBatchAt, waitNanos);
  }

  private static void checkLabels(Column labels, int classes) {
    LongBuffer values = labels.longs();
    for (int i = 0; i < values.limit(); i++) {
      long label = values.get(i);
      if (label < 0 || label >= classes) {
        throw new LabelOutOfRangeException(label, i, classes);
      }
    }
  }

  private static IllegalArgumentException missing(String name) {
    return new IllegalArgumentException("the pipeline does not parse a feature '" + name + "'");
  }
}
