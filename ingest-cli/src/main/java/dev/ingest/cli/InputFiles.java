package dev.ingest.cli;

import dev.ingest.tfrecord.RecordFiles;
import dev.ingest.tfrecord.StoragePaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves a command's PATH arguments. One that matches nothing, or a file that cannot be read,
 * is a {@link UsageException} naming it (with the {@code ingest gen} command that makes it when
 * it is a sample folder).
 */
final class InputFiles {
  private InputFiles() {}

  static List<Path> resolve(List<String> arguments) throws IOException {
    // One by one, to name the argument that matches nothing, then combined as
    // RecordFiles.resolve(arguments) would: each argument is listed once.
    List<List<Path>> matches = new ArrayList<>();
    for (String argument : arguments) {
      try {
        matches.add(RecordFiles.resolve(List.of(argument)));
      } catch (IllegalArgumentException e) {
        throw new UsageException(SourceFiles.whyNothingMatches(argument));
      }
    }
    List<Path> files = RecordFiles.merge(matches);
    // Checked here, not left to the reader's AccessDeniedException (which Failure says as
    // "FILE: permission denied"), so that the message keeps saying "cannot read FILE".
    for (Path file : files) {
      // A store's file is asked only when read: checking access here is a request per object.
      if (StoragePaths.isLocal(file) && !Files.isReadable(file)) {
        throw new UsageException("cannot read " + file + ": permission denied");
      }
    }
    return files;
  }
}
