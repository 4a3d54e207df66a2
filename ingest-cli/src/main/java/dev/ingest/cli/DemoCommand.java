package dev.ingest.cli;

import dev.ingest.BatchIterator;
import dev.ingest.Dataset;
import dev.ingest.cli.config.ConfigException;
import dev.ingest.cli.config.PipelineConfig;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.StoragePaths;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ingest demo}: generates a sample image dataset once, validates it, then runs the main
 * job on it: {@code examples/quickstart.yaml}, an image pipeline (interleave, parse, shuffle,
 * batch, prefetch) feeding a simulated accelerator for {@link #EPOCHS} epochs, with the run's
 * report and the accelerator's idle time in the first epoch and in the later ones.
 *
 * <p>The run lasts a few seconds so that the later epochs show the steady state: the first one
 * runs in a cold JVM (classes loading, the JIT compiling the reader and parser, pools filling),
 * which a training job pays once.
 *
 * <p>The data goes under {@code data/demo/image} of the folder named by the system property
 * {@code ingest.home} (the launcher sets it to the repository root), or of the working directory.
 * Data there with another record count (an older demo's) is generated again.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Generates sample image data once under data/demo/image, validates it, and runs an image",
      "pipeline on it against a simulated accelerator (" + DemoCommand.STEP_MILLIS + " ms per"
          + " batch), reporting the first epoch's idle time and the later epochs' apart."
    })
final class DemoCommand implements Callable<Integer> {
  static final String HOME_PROPERTY = "ingest.home";
  static final int SHARDS = 4;
  static final int RECORDS = SHARDS * 10_000;
  static final long SEED = 42;
  static final double STEP_MILLIS = 2;
  static final int EPOCHS = 8;
  static final String QUICKSTART = "examples/quickstart.yaml";
  /** The variable quickstart.yaml's files start with; the demo points it at its data folder. */
  static final String DATA_VARIABLE = "INGEST_DATA";

  @Spec CommandSpec spec;

  @Option(names = "--epochs", paramLabel = "E", defaultValue = "" + EPOCHS,
      description = "epochs to run, at least 2 (default: ${DEFAULT-VALUE})")
  int epochs;

  @Option(names = "--data", paramLabel = "DIR|URI",
      description = "where the sample data is generated (once) and read from: a folder, or an"
          + " object store prefix such as s3://bucket/demo/image (default: data/demo/image)")
  String dataLocation;

  @Option(names = "--progress",
      description = "show the run's progress on stderr even when not on a terminal")
  boolean progress;

  @Override
  public Integer call() throws IOException {
    if (epochs < 2) {
      throw new ParameterException(spec.commandLine(),
          "--epochs must be at least 2: the demo compares the first epoch with the later ones");
    }
    PrintWriter out = spec.commandLine().getOut();
    Path data = dataLocation != null ? OptionPaths.location(dataLocation, "--data")
        : shortest(Path.of(System.getProperty(HOME_PROPERTY, "")).resolve("data/demo/image"));
    boolean local = StoragePaths.isLocal(data);
    // Data already there is listed and counted once: when it is the demo's, that count is the
    // one printed below; only data generated now is listed and counted again.
    List<Path> files = null;
    List<CountCommand.FileCount> counts = null;
    long existing = -1;
    if (hasFiles(data)) {
      files = InputFiles.resolve(List.of(data.toString()));
      counts = CountCommand.count(files, Compression.AUTO);
      existing = CountCommand.total(counts);
    }
    if (existing == RECORDS) {
      out.println(
          "Using the sample data already in " + data + " (delete it to generate it again).");
    } else {
      if (existing >= 0) {
        out.println("The sample data in " + data + " holds " + existing + " records, not "
            + RECORDS + ": generating it again.");
      }
      if (local) {
        OptionPaths.requireCreatableFolder(data, "the demo's data folder");
      } else {
        OptionPaths.requireBucket(data, "--data");
      }
      out.println("Generating sample image data in " + data + ": " + SHARDS + " shards x "
          + RECORDS / SHARDS + " records, seed " + SEED + ".");
      GenCommand.print(
          out,
          SampleDatasets.write(SampleKind.IMAGE, data, RECORDS, SHARDS, Compression.NONE, SEED),
          false);
      files = InputFiles.resolve(List.of(data.toString()));
      counts = CountCommand.count(files, Compression.AUTO);
    }
    out.println();
    out.println("Counting records (ingest count " + data + "):");
    CountCommand.print(out, counts, false);
    out.println();
    out.println("Validating every record (ingest validate " + data + "):");
    ValidateCommand.Report report = ValidateCommand.validate(files, Compression.AUTO);
    ValidateCommand.print(out, report, false);
    if (!report.ok()) {
      out.flush();
      return ExitCode.BAD_DATA;
    }
    out.println();
    Path home = Path.of(System.getProperty(HOME_PROPERTY, ""));
    String dataRoot = shortest(home.resolve("data")).toString();
    PipelineConfig quickstart;
    try {
      List<String> settings = new ArrayList<>(List.of("repeat=" + epochs));
      if (dataLocation != null) {
        settings.add("source.tfrecord.files.0=" + data);
      }
      quickstart = PipelineConfig.parse(quickstart(home), settings,
          name -> DATA_VARIABLE.equals(name) ? dataRoot : System.getenv(name), "quickstart");
    } catch (ConfigException e) {
      throw new IllegalStateException("examples/quickstart.yaml is invalid:\n" + e.getMessage(), e);
    }
    out.println("Running the image pipeline of examples/quickstart.yaml (interleave 4x16,"
        + " parse_example, shuffle 2000, batch 256, prefetch 8) for " + epochs + " epochs against"
        + " a simulated accelerator taking " + STEP_MILLIS + " ms per batch:");
    Dataset dataset = quickstart.dataset();
    SimulatedAccelerator.Run run;
    long iteratorAskedAt = System.nanoTime();
    try (BatchIterator batches = dataset.iterator();
        RunProgress bar = RunProgress.start(spec.commandLine().getErr(), progress, "demo", -1)) {
      run = new SimulatedAccelerator(STEP_MILLIS)
          .consume(batches, iteratorAskedAt, batch -> bar.batch(batch.rows()), null);
    }
    RunReport.printHuman(out, run);
    printColdAndWarm(out, run);
    out.flush();
    return ExitCode.OK;
  }

  /** The first epoch's idle time against the later epochs' together, and why they differ. */
  static void printColdAndWarm(PrintWriter out, SimulatedAccelerator.Run run) {
    List<SimulatedAccelerator.Epoch> epochs = run.epochs();
    if (epochs.size() < 2) {
      return;
    }
    SimulatedAccelerator.Epoch first = epochs.get(0);
    SimulatedAccelerator.Epoch later =
        SimulatedAccelerator.Epoch.merged(epochs.subList(1, epochs.size()));
    long last = epochs.get(epochs.size() - 1).epoch();
    String laterEpochs = epochs.size() == 2 ? "epoch " + last
        : "epochs " + epochs.get(1).epoch() + "-" + last;
    out.printf("  accelerator idle: epoch %d %.2f%% (cold), %s %.2f%% (warm, %,.0f records/s)%n",
        first.epoch(), 100 * first.idleFraction(), laterEpochs, 100 * later.idleFraction(),
        later.recordsPerSecond());
    out.println("  why they differ: epoch " + first.epoch() + " runs while the JVM compiles the"
        + " reader and parser and fills its pools; later epochs are the steady state");
  }

  /**
   * The text of {@code examples/quickstart.yaml} under {@code home}, else under the working
   * directory, else the copy built into the jar (for a demo run outside the repository).
   */
  private static String quickstart(Path home) throws IOException {
    for (Path candidate : List.of(home.resolve(QUICKSTART), Path.of(QUICKSTART))) {
      if (Files.isRegularFile(candidate)) {
        return Files.readString(candidate, StandardCharsets.UTF_8);
      }
    }
    try (InputStream bundled = DemoCommand.class.getResourceAsStream("/" + QUICKSTART)) {
      if (bundled == null) {
        throw new IOException(QUICKSTART + " is neither in " + home.toAbsolutePath()
            + " nor in the working directory nor in the jar");
      }
      return new String(bundled.readAllBytes(), StandardCharsets.UTF_8);
    }
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
