package dev.ingest.runtime.read;

import java.io.IOException;

/** How a failure caught on a reading thread reaches the thread that waits for its work. */
final class ThreadFailures {
  private ThreadFailures() {}

  /**
   * {@code failure} as the waiting thread's {@link IOException}; an unchecked exception or an
   * error is thrown again as it is, so that a bug is not dressed up as an I/O failure.
   */
  static IOException asIOException(Throwable failure) {
    if (failure instanceof IOException io) {
      return io;
    }
    if (failure instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (failure instanceof Error error) {
      throw error;
    }
    return new IOException(failure);
  }
}
