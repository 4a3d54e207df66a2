package dev.ingest.cli;

import dev.ingest.tfrecord.Compression;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The options of commands that read record files: the files, their compression, {@code --json}. */
final class RecordInputs {
  @Option(
      names = "--compression",
      defaultValue = "auto",
      converter = CompressionConverter.class,
      description = "auto, none, gzip or zlib (default: ${DEFAULT-VALUE}: detected per file).")
  Compression compression;

  @Option(names = "--json", description = "Print one JSON object as the last line.")
  boolean json;

  @Parameters(
      arity = "1..*",
      paramLabel = "PATH",
      description = "Files, folders (their files) or globs such as 'data/*.tfrecord'.")
  List<String> paths;
}
