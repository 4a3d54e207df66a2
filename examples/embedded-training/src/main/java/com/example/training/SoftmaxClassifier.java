package com.example.training;

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
 * The job's model, a softmax regression in a TensorFlow Java graph, standing in for a real one:
 * {@code logits = features · W + b}, the mean softmax cross-entropy against the one-hot label as
 * the loss, and one gradient descent step per batch. The dense cross-entropy is used because
 * TensorFlow's C++ gradient registry, which TensorFlow Java's {@code tf.gradients} relies on, has
 * no gradient for the sparse one.
 *
 * <p>Owns its graph and session ({@link #close()} frees both); does not take ownership of the
 * tensors it is fed. One thread at a time.
 */
final class SoftmaxClassifier implements AutoCloseable {
  private final Graph graph;
  private final Session session;
  private final Placeholder<TFloat32> features;
  private final Placeholder<TInt64> labels;
  private final Operand<TFloat32> loss;
  private final List<ApplyGradientDescent<TFloat32>> updates;

  SoftmaxClassifier(int width, int classes, float learningRate) {
    graph = new Graph();
    boolean built = false;
    try {
      Ops tf = Ops.create(graph);
      features = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, width)));
      labels = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)));
      Variable<TFloat32> weights =
          tf.variable(tf.zeros(tf.constant(new long[] {width, classes}), TFloat32.class));
      Variable<TFloat32> bias =
          tf.variable(tf.zeros(tf.constant(new long[] {classes}), TFloat32.class));
      Operand<TFloat32> logits = tf.math.add(tf.linalg.matMul(features, weights), bias);
      Operand<TFloat32> oneHot =
          tf.oneHot(labels, tf.constant(classes), tf.constant(1f), tf.constant(0f));
      loss = tf.math.mean(
          tf.nn.softmaxCrossEntropyWithLogits(logits, oneHot).loss(), tf.constant(0));
      Gradients gradients = tf.gradients(loss, List.of(weights, bias));
      Operand<TFloat32> rate = tf.constant(learningRate);
      updates = List.of(
          tf.train.applyGradientDescent(weights, rate, gradients.dy(0)),
          tf.train.applyGradientDescent(bias, rate, gradients.dy(1)));
      session = new Session(graph);
      session.initialize();
      built = true;
    } finally {
      if (!built) {
        graph.close();
      }
    }
  }

  /** One gradient descent step on a batch; returns the batch's loss before the step. */
  float step(TFloat32 batchFeatures, TInt64 batchLabels) {
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
