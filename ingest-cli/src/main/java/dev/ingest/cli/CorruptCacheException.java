package dev.ingest.cli;

/**
 * A cache's files disagree with each other or with its manifest: a rows file of another size or
 * row count than the manifest records, a manifest that is not whole. Bad data, exit code 3; the
 * message names the file at fault and what to do.
 */
final class CorruptCacheException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CorruptCacheException(String message) {
    super(message);
  }
}
