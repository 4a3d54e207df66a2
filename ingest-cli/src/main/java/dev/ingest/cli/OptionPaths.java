package dev.ingest.cli;

import dev.ingest.tfrecord.StoragePaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Checks the files and folders named by a command's options before the command does any work,
 * so that a typo in {@code --save-state} is refused at once rather than after an hour's run, and
 * a refused command leaves nothing behind. Each failure is a {@link UsageException} naming the
 * option and the path.
 */
final class OptionPaths {
  private OptionPaths() {}

  /** {@code file} (given by {@code option}) exists and can be read. */
  static void requireReadableFile(Path file, String option) {
    if (file == null) {
      return;
    }
    if (Files.isDirectory(file)) {
      throw new UsageException(option + " " + file + ": is a folder, not a file");
    }
    if (!Files.exists(file)) {
      throw new UsageException(option + " " + file + ": no such file");
    }
    if (!Files.isReadable(file)) {
      throw new UsageException(option + " " + file + ": cannot read it: permission denied");
    }
  }

  /** {@code file} (given by {@code option}) can be written: its folder exists and takes files. */
  static void requireWritableFile(Path file, String option) {
    if (file == null) {
      return;
    }
    if (Files.isDirectory(file)) {
      throw new UsageException(option + " " + file + ": is a folder; name a file in it");
    }
    Path folder = file.toAbsolutePath().getParent();
    String shown = file.getParent() == null ? "." : file.getParent().toString();
    if (!Files.isDirectory(folder)) {
      throw new UsageException(option + " " + file + ": "
          + (Files.exists(folder) ? shown + " is not a folder" : "there is no folder " + shown)
          + " to write it in");
    }
    if (!Files.isWritable(folder) || Files.exists(file) && !Files.isWritable(file)) {
      throw new UsageException(option + " " + file + ": cannot write it: permission denied");
    }
  }

  /**
   * {@code folder} (given by {@code option}, or described by it) is a folder that can take new
   * files, or can be created: the nearest part of it that exists is a writable folder.
   */
  static void requireCreatableFolder(Path folder, String option) {
    // Walked as the user wrote it, so that the message names the part they wrote.
    Path given = folder.normalize();
    Path existing = given;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      existing = Path.of("").toAbsolutePath();
    }
    if (!Files.isDirectory(existing)) {
      throw new UsageException(option + " " + folder + ": "
          + (existing.equals(given) ? "is a file, not a folder"
              : existing + " is a file, so no folder can be made below it"));
    }
    if (!Files.isWritable(existing)) {
      throw new UsageException(option + " " + folder + ": cannot write in " + existing
          + ": permission denied");
    }
  }

  /**
   * {@code location} (given by {@code option}) as a path: a local path, or a URI of an object
   * store ({@code s3://bucket/prefix}).
   *
   * @throws UsageException if no installed storage serves the URI's scheme
   */
  static Path location(String location, String option) {
    try {
      return StoragePaths.path(location);
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + " " + e.getMessage());
    }
  }

  /**
   * The bucket of {@code folder}, a path in an object store given by {@code option}, exists and
   * can be reached: asked before anything is written, so that a typo fails at once and cleanly.
   *
   * @throws UsageException naming the bucket when the store says it does not exist
   */
  static void requireBucket(Path folder, String option) throws IOException {
    Path bucket = folder.getRoot();
    try {
      Files.readAttributes(bucket, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new UsageException(option + " " + folder.toUri() + ": there is no bucket "
          + bucket.toUri());
    }
  }
}
