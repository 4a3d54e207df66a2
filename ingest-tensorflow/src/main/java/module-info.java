/**
 * The bridge from ingest batches to TensorFlow Java tensors ({@code dev.ingest.tensorflow}), and
 * the softmax-regression training loop behind {@code ingest train}.
 */
module dev.ingest.tensorflow {
  requires transitive dev.ingest.api;
  requires transitive tensorflow;
  requires transitive org.tensorflow.ndarray;
  requires org.bytedeco.javacpp;

  exports dev.ingest.tensorflow;
  // The worked example behind `ingest train`; not an API of its own.
  exports dev.ingest.tensorflow.training to dev.ingest.cli;
}
