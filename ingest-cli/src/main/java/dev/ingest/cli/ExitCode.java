package dev.ingest.cli;

/** The exit codes of every {@code ingest} command (CONTRACTS.md, section 2). */
public final class ExitCode {
  /** Success. */
  public static final int OK = 0;
  /** An internal or I/O failure. */
  public static final int FAILURE = 1;
  /** Bad usage or bad configuration. */
  public static final int USAGE = 2;
  /** Bad data: corruption under the fail policy, or {@code validate} finding any problem. */
  public static final int BAD_DATA = 3;

  private ExitCode() {}
}
