package dev.ingest.tensorflow.training;

import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.train.ApplyGradientDescent;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * A softmax regression (multinomial logistic regression) in a TensorFlow graph, trained by
 * gradient descent one batch at a time:
 *
 * <pre>
 *   logits = features · W + b            features [rows, width], W [width, classes], b [classes]
 *   loss   = mean(softmax_cross_entropy(logits, one_hot(label, classes)))
 *   W -= rate · ∂loss/∂W,  b -= rate · ∂loss/∂b
 * </pre>
 *
 * The gradients come from TensorFlow's own symbolic differentiation ({@code tf.gradients}); the
 * dense cross-entropy is used because TensorFlow's C++ gradient registry, which TensorFlow Java
 * relies on, has no gradient for the sparse one. {@code tensorflow-framework}'s optimizers are not
 * needed for this: {@code ApplyGradientDescent} is the same update.
 *
 * <h2>Ownership</h2>
 *
 * Owns its graph and session; {@link #close()} frees both. {@link #step} does not take ownership
 * of the tensors it is fed.
 *
 * <h2>Assumptions and guarantees</h2>
 *
 * One thread at a time; steps are applied in the order they are called.
 */
public final class SoftmaxRegression implements AutoCloseable {
  private final int width;
  private final int classes;
  private final Graph graph;
  private final Session session;
  private final Placeholder<TFloat32> features;
  private final Placeholder<TInt64> labels;
  private final Operand<TFloat32> loss;
  private final List<ApplyGradientDescent<TFloat32>> updates;

  /**
   * @param width values per row of the features
   * @param classes labels are in {@code [0, classes)}
   * @param learningRate the gradient descent step size
   */
  public SoftmaxRegression(int width, int classes, float learningRate) {
    if (width < 1 || classes < 2 || !(learningRate > 0)) {
      throw new IllegalArgumentException("need width >= 1, classes >= 2 and a positive rate, got "
          + width + ", " + classes + ", " + learningRate);
    }
    this.width = width;
    this.classes = classes;
    graph = new Graph();
    boolean complete = false;
    try {
      Ops tf = Ops.create(graph);
      features = tf.withName("features")
          .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, width)));
      labels = tf.withName("label").placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)));
      Variable<TFloat32> weights =
          tf.variable(tf.zeros(tf.constant(new long[] {width, classes}), TFloat32.class));
      Variable<TFloat32> bias =
          tf.variable(tf.zeros(tf.constant(new long[] {classes}), TFloat32.class));
      Operand<TFloat32> logits = tf.math.add(tf.linalg.matMul(features, weights), bias);
      Operand<TFloat32> oneHot =
          tf.oneHot(labels, tf.constant(classes), tf.constant(1f), tf.constant(0f));
      loss = tf.withName("loss").math.mean(
          tf.nn.softmaxCrossEntropyWithLogits(logits, oneHot).loss(), tf.constant(0));
      Gradients gradients = tf.gradients(loss, List.of(weights, bias));
      Operand<TFloat32> rate = tf.constant(learningRate);
      updates = List.of(
          tf.train.applyGradientDescent(weights, rate, gradients.dy(0)),
          tf.train.applyGradientDescent(bias, rate, gradients.dy(1)));
      session = new Session(graph);
      session.initialize();
      complete = true;
    } finally {
      if (!complete) {
        graph.close();
      }
    }
  }

  /** Values per row the model expects. */
  public int width() {
    return width;
  }

  /** Number of classes. */
  public int classes() {
    return classes;
  }

  /**
   * One gradient descent step on a batch; returns the batch's loss before the update.
   *
   * @param batchFeatures {@code [rows, width]} float32 features
   * @param batchLabels {@code [rows]} int64 labels in {@code [0, classes)}
   */
  public float step(TFloat32 batchFeatures, TInt64 batchLabels) {
    Session.Runner runner = session.runner()
        .feed(features, batchFeatures)
        .feed(labels, batchLabels)
        .fetch(loss);
    updates.forEach(runner::addTarget);
    try (Result result = runner.run()) {
      return ((TFloat32) result.get(0)).getFloat();
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } finally {
      graph.close();
    }
  }
}
