package dev.ingest;

/**
 * A pipeline stage failed. Thrown to the consumer from {@link BatchIterator#hasNext()} or {@link
 * BatchIterator#next()}, naming the stage; the cause is the stage's own exception (for bad data a
 * {@link CorruptRecordException} or {@link InvalidExampleException}).
 */
public final class IngestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String stage;

  public IngestException(String stage, Throwable cause) {
    super("stage '" + stage + "' failed: " + cause.getMessage(), cause);
    this.stage = stage;
  }

  /** The stage that failed ({@code read}, {@code parse_example}, ...). */
  public String stage() {
    return stage;
  }
}
