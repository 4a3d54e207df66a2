package dev.ingest.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Names a pipeline's file list, by each file's name and size, in a checkpoint: offsets and file
 * indexes saved over one set of files mean nothing over another, so a state whose digest differs
 * is refused instead of resuming into the wrong records. Names, not full paths, so that a state
 * resumes on another machine that mounts the data elsewhere.
 */
final class FilesDigest {
  private FilesDigest() {}

  static String of(List<Path> files) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Path file : files) {
        sha.update((file.getFileName() + "\t" + Files.size(file) + "\n")
            .getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(sha.digest(), 0, 8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the size of a source file", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
