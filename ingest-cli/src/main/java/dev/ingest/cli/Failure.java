package dev.ingest.cli;

import dev.ingest.CacheMismatchException;
import dev.ingest.CorruptIndexException;
import dev.ingest.CorruptRecordException;
import dev.ingest.InvalidExampleException;
import dev.ingest.MissingIndexException;
import dev.ingest.RecordReadException;
import dev.ingest.StaleIndexException;
import dev.ingest.cli.config.ConfigException;
import dev.ingest.tfrecord.index.CompressedShardException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.List;

/**
 * How an exception that ended a command is reported (CONTRACTS.md section 2): its exit code,
 * the one-line message that names what is wrong, and the lines that follow it (a config's
 * problems). The user's mistakes (2) and bad data (3) are said in a line; an I/O failure (1)
 * names the file and the reason; anything else is an internal error (1), whose stack trace only
 * {@code --verbose} shows.
 *
 * <p>A pipeline stage's failure arrives wrapped in an {@link dev.ingest.IngestException}; it is
 * classed by its cause and said with the wrapper's message, which names the stage.
 */
record Failure(int exitCode, String message, List<String> details, boolean internal) {

  static Failure of(Exception e) {
    if (e instanceof ConfigException config) {
      return new Failure(ExitCode.USAGE, config.headline(), config.aboutTheWholeFile()
          ? List.of() : config.problems().stream().map(Object::toString).toList(), false);
    }
    if (e instanceof UsageException || e instanceof CacheMismatchException) {
      // A cache pointed at another pipeline's files is bad configuration, not bad data.
      return usage(e.getMessage());
    }
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof MissingIndexException || cause instanceof StaleIndexException
          || cause instanceof CompressedShardException) {
        // A shard read by record needs an index as new as itself, which `ingest index` (or
        // `index: build`) writes, and cannot be compressed: the configuration, not the data, is
        // to change. Looked for in the causes, as a pipeline's stage reports them wrapped.
        return usage(e.getMessage());
      }
      if (cause instanceof CorruptRecordException || cause instanceof InvalidExampleException
          || cause instanceof CorruptCacheException || cause instanceof CorruptIndexException) {
        return new Failure(ExitCode.BAD_DATA, e.getMessage(), List.of(), false);
      }
      if (cause instanceof RecordReadException) {
        // Bytes a store could not return after its retries: an I/O failure, whatever caused it.
        return new Failure(ExitCode.FAILURE, e.getMessage(), List.of(), false);
      }
      if (cause instanceof NoSuchFileException || cause instanceof AccessDeniedException) {
        // A file named by the user that is missing or unreadable: theirs to fix.
        return usage(describe((IOException) cause));
      }
    }
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof IOException io) {
        boolean bare = cause == e || e instanceof UncheckedIOException && e.getCause() == io;
        return new Failure(ExitCode.FAILURE, bare ? describe(io) : e.getMessage(), List.of(),
            false);
      }
    }
    return new Failure(ExitCode.FAILURE, "internal error: " + e, List.of(), true);
  }

  private static Failure usage(String message) {
    return new Failure(ExitCode.USAGE, message, List.of(), false);
  }

  /** The file and the reason, as {@code ls} would say them, without Java's class names. */
  static String describe(IOException e) {
    if (e instanceof FileSystemException fileSystem && fileSystem.getFile() != null) {
      String reason = fileSystem.getReason();
      if (reason == null && fileSystem instanceof AccessDeniedException) {
        reason = "permission denied";
      } else if (reason == null && fileSystem instanceof java.nio.file.NotDirectoryException) {
        reason = "not a folder";
      } else if (reason == null) {
        String kind = fileSystem.getClass().getSimpleName().replace("Exception", "");
        reason = kind.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
      }
      return fileSystem.getFile()
          + (fileSystem.getOtherFile() == null ? "" : " -> " + fileSystem.getOtherFile())
          + ": " + reason;
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }
}
