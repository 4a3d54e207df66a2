package dev.ingest.runtime.stage;

/**
 * Carries a failure out of a stage's inner code with the name of the stage to blame, so the
 * thread's loop can hand it to the consumer as an {@link dev.ingest.IngestException} of that stage.
 */
final class StageFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String stage;

  StageFailure(String stage, Throwable cause) {
    super(cause.getMessage(), cause, false, false);
    this.stage = stage;
  }

  String stage() {
    return stage;
  }
}
