package dev.ingest;

/**
 * A {@link PipelineState} that does not fit the pipeline asked to resume from it: saved by
 * another spec or version of ingest, or over files whose names or sizes have changed. The message
 * says what differs. A subclass of {@link IllegalArgumentException}, so a caller that treats any
 * bad argument alike still may.
 */
public final class StateMismatchException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public StateMismatchException(String message) {
    super(message);
  }
}
