package dev.ingest.cli;

import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;

import dev.ingest.tfrecord.Compression;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ingest demo}: generates a sample image dataset once, then counts and validates it. The
 * pipeline run of {@code examples/quickstart.yaml} that the contract describes is not built yet;
 * the command says so instead of pretending.
 *
 * <p>The data goes under {@code data/demo/image} of the folder named by the system property
 * {@code ingest.home} (the launcher sets it to the repository root), or of the working directory.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Generates sample image data once under data/demo/image, then counts and validates it.",
      "(The pipeline run of examples/quickstart.yaml is not available yet.)"
    })
final class DemoCommand implements Callable<Integer> {
  static final String HOME_PROPERTY = "ingest.home";
  static final int SHARDS = 4;
  static final int RECORDS = 4 * 2500;
  static final long SEED = 42;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Path data = shortest(Path.of(System.getProperty(HOME_PROPERTY, "")).resolve("data/demo/image"));
    if (hasFiles(data)) {
      out.println(
          "Using the sample data already in " + data + " (delete it to generate it again).");
    } else {
      out.println("Generating sample image data in " + data + ": " + SHARDS + " shards x "
          + RECORDS / SHARDS + " records, seed " + SEED + ".");
      GenCommand.print(
          out,
          SampleDatasets.write(SampleKind.IMAGE, data, RECORDS, SHARDS, Compression.NONE, SEED),
          false);
    }
    List<Path> files = InputFiles.resolve(spec, List.of(data.toString()));
    out.println();
    out.println("Counting records (ingest count " + data + "):");
    CountCommand.print(out, CountCommand.count(files, Compression.AUTO), false);
    out.println();
    out.println("Validating every record (ingest validate " + data + "):");
    ValidateCommand.Report report = ValidateCommand.validate(files, Compression.AUTO);
    ValidateCommand.print(out, report, false);
    out.println();
    out.println(
        "Not run: the examples/quickstart.yaml pipeline and its report; the pipeline runtime"
            + " is not built yet.");
    out.flush();
    return report.ok() ? ExitCode.OK : ExitCode.BAD_DATA;
  }

  /** {@code folder} relative to the working directory when it is below it, for shorter output. */
  private static Path shortest(Path folder) {
    Path workingDirectory = Path.of("").toAbsolutePath();
    Path absolute = folder.toAbsolutePath().normalize();
    return absolute.startsWith(workingDirectory) ? workingDirectory.relativize(absolute) : folder;
  }

  private static boolean hasFiles(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return false;
    }
    try (Stream<Path> children = Files.list(folder)) {
      return children.anyMatch(
          child -> Files.isRegularFile(child) && !child.getFileName().toString().startsWith("."));
    }
  }
}
