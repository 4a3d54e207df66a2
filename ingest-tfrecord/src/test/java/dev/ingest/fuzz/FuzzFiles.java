package dev.ingest.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Scratch files for fuzz targets, whose APIs read from a path: one file per target, rewritten for
 * every input (a fuzzing run tries millions), deleted when the JVM exits.
 */
public final class FuzzFiles {
  private FuzzFiles() {}

  /** A new empty file in the temporary folder, deleted at exit. */
  public static Path scratchFile(String prefix, String suffix) {
    try {
      Path file = Files.createTempFile(prefix, suffix);
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new empty folder in the temporary folder; its files are the caller's to delete. */
  public static Path scratchFolder(String prefix) {
    try {
      Path folder = Files.createTempDirectory(prefix);
      folder.toFile().deleteOnExit();
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
