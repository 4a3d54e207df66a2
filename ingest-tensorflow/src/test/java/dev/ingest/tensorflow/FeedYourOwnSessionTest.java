package dev.ingest.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.Batch;
import dev.ingest.BatchIterator;
import dev.ingest.DType;
import dev.ingest.Dataset;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.nio.LongBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The README's "feed your own session" snippet, compiled and run so that it cannot rot: the lines
 * between the markers are the README's, word for word. The graph stands in for a user's model:
 * its {@code train} op adds up the labels it is fed, which must equal the labels ingest read.
 */
class FeedYourOwnSessionTest {
  @TempDir Path dir;

  @Test
  void theReadmeSnippetFeedsEveryBatchToTheSession() throws IOException {
    String data = dir.resolve("tabular").toString();
    // 12 full batches of 256: the shuffle cannot change which records a dropped remainder holds.
    SampleDatasets.write(SampleKind.TABULAR, Path.of(data), 3072, 3, Compression.NONE, 2);
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      tf.withName("features").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 32)));
      Placeholder<TInt64> labels =
          tf.withName("label").placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)));
      Variable<TInt64> labelSum = tf.variable(tf.constant(0L));
      tf.withName("train").assignAdd(labelSum, tf.sum(labels, tf.constant(0)));
      try (Session session = new Session(graph)) {
        session.initialize();

        // README snippet begins
        try (BatchIterator batches = Dataset.tfrecord(data)
            .parseExample(ExampleSpec.of(FeatureSpec.fixed("features", DType.FLOAT32, 32),
                                         FeatureSpec.fixed("label", DType.INT64)))
            .shuffle(10_000).batch(256, true).prefetch(8)
            .iterator()) {
          while (batches.hasNext()) {
            try (Batch batch = batches.next();
                BatchTensors tensors = TensorBridge.toTensors(batch)) {  // one copy per column
              session.runner()
                  .feed("features", tensors.floats("features"))
                  .feed("label", tensors.longs("label"))
                  .addTarget("train").run().close();
            }
          }
        }
        // README snippet ends

        try (Result result = session.runner().fetch(labelSum).run()) {
          assertThat(((TInt64) result.get(0)).getLong()).isEqualTo(labelSumReadByIngest(data));
        }
      }
    }
  }

  /** The sum of the labels of the same records, read by ingest alone. */
  private static long labelSumReadByIngest(String data) {
    long sum = 0;
    try (BatchIterator batches = Dataset.tfrecord(data)
        .parseExample(SampleKind.TABULAR.exampleSpec()).batch(256, true).iterator()) {
      while (batches.hasNext()) {
        try (Batch batch = batches.next()) {
          LongBuffer labels = batch.longs("label");
          for (int i = 0; i < labels.limit(); i++) {
            sum += labels.get(i);
          }
        }
      }
    }
    return sum;
  }
}
