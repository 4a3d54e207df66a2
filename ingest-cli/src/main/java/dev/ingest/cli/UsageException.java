package dev.ingest.cli;

/**
 * A mistake of the user's that a command finds itself, after its arguments parsed: a path that
 * names nothing, a folder where a file belongs, an output that cannot be written. Exit code 2;
 * the message, printed as one line, names the path or option at fault and, where it can, how to
 * put it right. Unlike picocli's usage errors it does not point at {@code --help}: the command
 * line was well formed.
 */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
