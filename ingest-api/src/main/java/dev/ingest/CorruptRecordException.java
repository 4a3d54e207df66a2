package dev.ingest;

import java.io.IOException;
import java.util.Objects;

/**
 * A record file holds bytes that are not a valid record: a CRC mismatch, a truncation, a length
 * over the limit, or a broken compressed stream. Thrown under {@link CorruptionPolicy#FAIL}.
 *
 * <p>It is an {@link IOException}, like the JDK's {@code ZipException}: the bytes, not the
 * program, are wrong. {@link #problem()} says exactly where and what.
 */
public final class CorruptRecordException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient RecordProblem problem;

  public CorruptRecordException(RecordProblem problem) {
    this(problem, null);
  }

  public CorruptRecordException(RecordProblem problem, Throwable cause) {
    super(Objects.requireNonNull(problem, "problem").describe(), cause);
    this.problem = problem;
  }

  /** Where the problem is and what it is. */
  public RecordProblem problem() {
    return problem;
  }
}
