package dev.ingest;

import java.io.IOException;
import java.util.Objects;

/**
 * A record file could not be read from some byte on: its store still failed after its retries, or
 * the disk did. Thrown under {@link CorruptionPolicy#FAIL}; under {@link CorruptionPolicy#SKIP}
 * the rest of the file is skipped and counted, as for a corrupt file.
 *
 * <p>Unlike {@link CorruptRecordException}, nothing says the bytes are bad: this is an I/O
 * failure (the CLI exits 1, not 3). {@link #problem()} names the file (its URI for a remote
 * one), the byte offset of the record that could not be read and its index.
 */
public final class RecordReadException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient RecordProblem problem;

  public RecordReadException(RecordProblem problem, Throwable cause) {
    super(Objects.requireNonNull(problem, "problem").describe(), cause);
    this.problem = problem;
  }

  /** Which file, where and which record. */
  public RecordProblem problem() {
    return problem;
  }
}
