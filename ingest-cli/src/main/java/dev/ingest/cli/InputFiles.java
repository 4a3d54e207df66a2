package dev.ingest.cli;

import dev.ingest.tfrecord.RecordFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Resolves a command's PATH arguments; one that matches nothing is a usage error naming it. */
final class InputFiles {
  private InputFiles() {}

  static List<Path> resolve(CommandSpec spec, List<String> arguments) throws IOException {
    try {
      return RecordFiles.resolve(arguments);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
