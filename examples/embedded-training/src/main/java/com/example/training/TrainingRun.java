package com.example.training;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.Dataset;
import dev.ingest.tensorflow.BatchTensors;
import dev.ingest.tensorflow.TensorBridge;
import java.nio.file.Path;

/**
 * The training loop: an ingest pipeline reads, parses, shuffles and batches the records on its own
 * threads while this one feeds each batch to the model. Each batch becomes tensors with one copy
 * per column ({@link TensorBridge}); the batch and its tensors are closed before the next one is
 * taken, which hands the batch's off-heap memory back to the pipeline.
 */
final class TrainingRun {
  static final int BATCH_SIZE = 128;
  private static final int SHUFFLE_BUFFER = 4096;
  private static final int PREFETCH_BATCHES = 4;

  private TrainingRun() {}

  /** Trains a fresh model for {@code epochs} passes over the TFRecord files in {@code data}. */
  static TrainingResult train(Path data, int epochs, float learningRate) {
    Dataset dataset = Dataset.tfrecord(data.toString())
        .parseExample(SampleData.SPEC)
        .shuffle(SHUFFLE_BUFFER)
        .batch(BATCH_SIZE, true)
        .prefetch(PREFETCH_BATCHES)
        .repeat(epochs);
    try (SoftmaxClassifier model =
            new SoftmaxClassifier(SampleData.FEATURES, SampleData.CLASSES, learningRate);
        BatchIterator batches = dataset.iterator()) {
      long steps = 0;
      float lossFirst = Float.NaN;
      float lossLast = Float.NaN;
      long firstBatchAt = 0;
      while (batches.hasNext()) {
        try (Batch batch = batches.next();
            BatchTensors tensors = TensorBridge.toTensors(batch)) {
          if (steps == 0) {
            firstBatchAt = System.nanoTime();
          }
          lossLast = model.step(tensors.floats("features"), tensors.longs("label"));
        }
        if (steps++ == 0) {
          lossFirst = lossLast;
        }
      }
      // The iterator counts its waits after the first batch, the wait for which is start-up.
      long trainingNanos = System.nanoTime() - firstBatchAt;
      double idleFraction =
          steps == 0 ? 0 : Math.min(1, (double) batches.stats().waitNanos() / trainingNanos);
      return new TrainingResult(steps, lossFirst, lossLast, idleFraction);
    }
  }
}
