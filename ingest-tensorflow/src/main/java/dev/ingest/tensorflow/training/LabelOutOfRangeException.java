package dev.ingest.tensorflow.training;

/**
 * A batch holds a label outside {@code [0, classes)}. One-hot encoding would turn it into an
 * all-zero row and the model would silently learn nothing from it, so training stops instead.
 */
public final class LabelOutOfRangeException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  LabelOutOfRangeException(long label, int row, int classes) {
    super("label " + label + " of row " + row + " is outside [0, " + classes
        + "); set the number of classes to more than the largest label");
  }
}
