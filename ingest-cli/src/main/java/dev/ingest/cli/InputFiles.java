package dev.ingest.cli;

import dev.ingest.tfrecord.RecordFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Resolves a command's PATH arguments. One that matches nothing, or a file that cannot be read,
 * is a {@link UsageException} naming it (with the {@code ingest gen} command that makes it when
 * it is a sample folder).
 */
final class InputFiles {
  private InputFiles() {}

  static List<Path> resolve(List<String> arguments) throws IOException {
    for (String argument : arguments) {
      try {
        RecordFiles.resolve(List.of(argument));
      } catch (IllegalArgumentException e) {
        throw new UsageException(SourceFiles.whyNothingMatches(argument));
      }
    }
    List<Path> files = RecordFiles.resolve(arguments);
    for (Path file : files) {
      if (!Files.isReadable(file)) {
        throw new UsageException("cannot read " + file + ": permission denied");
      }
    }
    return files;
  }
}
