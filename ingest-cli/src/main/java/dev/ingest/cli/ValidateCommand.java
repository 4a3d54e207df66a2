package dev.ingest.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingest.CorruptionPolicy;
import dev.ingest.RecordProblem;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.TFRecordReader;
import dev.ingest.tfrecord.TFRecordReaderOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ingest validate}: reads every record of TFRecord files under the {@code skip} policy and
 * reports every problem. A damaged record is skipped; a problem that loses the framing ends that
 * file and validation goes on with the next. Exit code 3 if there is any problem.
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Reads every record of TFRecord files, checks both CRCs and reports every problem.",
      "Exit code 3 if there is any."
    })
final class ValidateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin RecordInputs inputs;

  /** One file's outcome: the records that read cleanly and the problems found. */
  record FileReport(Path path, long records, List<RecordProblem> problems) {}

  /** Every file's outcome, in order. */
  record Report(List<FileReport> files) {
    boolean ok() {
      return files.stream().allMatch(file -> file.problems().isEmpty());
    }

    long records() {
      return files.stream().mapToLong(FileReport::records).sum();
    }

    long problemCount() {
      return files.stream().mapToLong(file -> file.problems().size()).sum();
    }
  }

  @Override
  public Integer call() throws IOException {
    List<Path> files = InputFiles.resolve(inputs.paths);
    Report report = validate(files, inputs.compression);
    print(spec.commandLine().getOut(), report, inputs.json);
    return report.ok() ? ExitCode.OK : ExitCode.BAD_DATA;
  }

  static Report validate(List<Path> files, Compression compression) throws IOException {
    List<FileReport> reports = new ArrayList<>();
    for (Path file : files) {
      List<RecordProblem> problems = new ArrayList<>();
      TFRecordReaderOptions options =
          TFRecordReaderOptions.defaults()
              .withCompression(compression)
              .withOnCorrupt(CorruptionPolicy.SKIP)
              .withProblemListener(problems::add);
      try (TFRecordReader reader = TFRecordReader.open(file, options)) {
        while (reader.advance()) {
          // advance() checks both CRCs; the listener collects what is wrong.
        }
        reports.add(new FileReport(file, reader.recordsRead(), List.copyOf(problems)));
      }
    }
    return new Report(List.copyOf(reports));
  }

  static void print(PrintWriter out, Report report, boolean json) {
    if (json) {
      ObjectNode node = Json.object();
      node.put("ok", report.ok());
      node.put("records", report.records());
      ArrayNode files = node.putArray("files");
      ArrayNode problems = node.putArray("problems");
      for (FileReport file : report.files()) {
        files.addObject()
            .put("path", file.path().toString())
            .put("records", file.records())
            .put("problems", file.problems().size());
        for (RecordProblem problem : file.problems()) {
          problems.add(Json.problem(problem));
        }
      }
      Json.print(out, node);
      return;
    }
    for (FileReport file : report.files()) {
      out.printf(
          "%-6s %12d records  %s%s%n",
          file.problems().isEmpty() ? "ok" : "FAILED",
          file.records(),
          file.path(),
          file.problems().isEmpty() ? "" : "  (" + plural(file.problems().size(), "problem") + ")");
      for (RecordProblem problem : file.problems()) {
        out.printf(
            "         %s at offset %d (record %d): %s%n",
            problem.kind().wireName(),
            problem.offset(),
            problem.recordIndex(),
            problem.detail());
      }
    }
    out.printf(
        "%-6s %12d records  in %s, %s%n",
        report.ok() ? "ok" : "FAILED",
        report.records(),
        plural(report.files().size(), "file"),
        report.ok() ? "no problems" : plural(report.problemCount(), "problem"));
    out.flush();
  }

  private static String plural(long count, String noun) {
    return count + " " + noun + (count == 1 ? "" : "s");
  }
}
