package dev.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ingest.Row;
import dev.ingest.RowMapper;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One user mistake per row, across every command: each ends with its exit code (2 for bad usage
 * or configuration, 3 for bad data), one message on stderr that names the path or option at
 * fault (and, for a config, the YAML line), no stack trace, under {@code --json} one JSON object
 * with that exit code as the last line of stdout, and nothing written anywhere in the folder.
 *
 * <p>In the rows, {@code {dir}} stands for the test's folder.
 */
class UserMistakesTest {
  /** A tabular pipeline; FILES is replaced. The line numbers below are this text's. */
  private static final String PIPELINE = """
      version: 1
      name: mistakes
      source:
        tfrecord:
          files: ["FILES"]
      stages:
        - parse_example: {features: {features: {type: float32, shape: [32]}, label: {type: int64}}}
        - batch: {batch_size: 8}
      """;
  private static final int FILES_LINE = 5;
  private static final Set<String> COMMANDS_WITHOUT_JSON = Set.of("demo");
  // Surefire runs in the module's folder; the examples are at the repository root.
  private static final Path EXAMPLES = Path.of("").toAbsolutePath().getParent().resolve("examples");
  private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

  @TempDir Path dir;

  /** What a row prepares in the test's folder before the command runs. */
  @FunctionalInterface
  interface Setup {
    void prepare(Path dir) throws IOException;
  }

  @AfterEach
  void restore() throws IOException {
    System.clearProperty(DemoCommand.HOME_PROPERTY);
    // So that the folder can be deleted after a row that took a file's permissions away.
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.toList()) {
        path.toFile().setReadable(true);
        path.toFile().setWritable(true);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void isACleanErrorThatNamesThePathAndWritesNothing(Setup setup, String args, int exitCode,
      List<String> messageParts) throws IOException {
    setup.prepare(dir);
    String[] command = args.replace("{dir}", dir.toString()).split(" ");
    List<String> expected = messageParts.stream().map(part -> part.replace("{dir}", dir.toString()))
        .toList();
    Map<String, Long> before = snapshot();

    Cli.Outcome outcome = Cli.run(command);

    assertThat(outcome.exitCode()).as(outcome.err()).isEqualTo(exitCode);
    assertThat(outcome.err()).startsWith("ingest: ").contains(expected);
    assertThat(outcome.err()).as("a stack trace").doesNotContain("\tat ", "Exception:");
    assertThat(outcome.err()).doesNotContain("internal error");
    if (!COMMANDS_WITHOUT_JSON.contains(command[0])) {
      String[] withJson = Arrays.copyOf(command, command.length + 1);
      withJson[command.length] = "--json";
      Cli.Outcome json = Cli.run(withJson);
      assertThat(json.exitCode()).as(json.err()).isEqualTo(exitCode);
      JsonNode last = json.json();
      assertThat(last.get("exit_code").asInt()).isEqualTo(exitCode);
      assertThat(last.get("error").asText()).isNotBlank();
      assertThat(json.err()).doesNotContain("\tat ");
    }
    assertThat(snapshot()).as("the files in the folder").isEqualTo(before);
  }

  static Stream<Arguments> mistakes() {
    List<Arguments> rows = new ArrayList<>();
    // Pipeline configs
    rows.add(row("run: the config does not exist", dir -> { },
        "run {dir}/nosuch.yaml", 2, "pipeline config {dir}/nosuch.yaml: no such file"));
    rows.add(row("explain: the config is a folder", dir -> Files.createDirectory(dir.resolve("c")),
        "explain {dir}/c", 2, "pipeline config {dir}/c: is a folder"));
    rows.add(row("train: the config cannot be read", dir -> {
      assumeFalse(ROOT, "root reads a file whatever its permissions");
      writeConfig(dir, "c.yaml", PIPELINE);
      Files.setPosixFilePermissions(dir.resolve("c.yaml"), PosixFilePermissions.fromString("---------"));
    }, "train {dir}/c.yaml", 2, "pipeline config {dir}/c.yaml: cannot read it"));
    rows.add(row("run: the config is empty", dir -> Files.writeString(dir.resolve("c.yaml"), ""),
        "run {dir}/c.yaml", 2, "pipeline config {dir}/c.yaml: the config is empty"));
    rows.add(row("explain: a YAML syntax error", dir -> writeConfig(dir, "c.yaml",
            PIPELINE.replace("{batch_size: 8}", "{batch_size: 8")),
        "explain {dir}/c.yaml", 2, "invalid pipeline config {dir}/c.yaml", "(line 8",
        "not valid YAML"));
    rows.add(row("run: an unknown key", dir -> writeConfig(dir, "c.yaml", PIPELINE + "epochs: 3\n"),
        "run {dir}/c.yaml", 2, "{dir}/c.yaml", "epochs (line 9, column 9): unknown key"));
    rows.add(row("train: a wrong type", dir -> writeConfig(dir, "c.yaml",
            PIPELINE.replace("batch_size: 8", "batch_size: eight")),
        "train {dir}/c.yaml", 2, "{dir}/c.yaml", "stages.1.batch.batch_size (line 8",
        "expected an integer"));
    // The files a config names
    rows.add(row("run: files that match nothing", dir -> writeConfig(dir, "c.yaml", pipeline(dir,
            "data/x/*.tfrecord")),
        "run {dir}/c.yaml", 2, "source.tfrecord.files.0 (line " + FILES_LINE,
        "\"{dir}/data/x/*.tfrecord\" matches no file"));
    rows.add(row("explain: a folder with no shards", dir -> {
      Files.createDirectories(dir.resolve("data/none"));
      writeConfig(dir, "c.yaml", pipeline(dir, "data/none"));
    }, "explain {dir}/c.yaml", 2, "source.tfrecord.files.0 (line " + FILES_LINE,
        "\"{dir}/data/none\" is a folder with no record file in it"));
    rows.add(row("train: only an empty (0-byte) shard", dir -> {
      Files.createDirectories(dir.resolve("data/empty"));
      Files.createFile(dir.resolve("data/empty/part-0.tfrecord"));
      writeConfig(dir, "c.yaml", pipeline(dir, "data/empty"));
    }, "train {dir}/c.yaml", 2, "source.tfrecord.files (line " + FILES_LINE,
        "{dir}/data/empty/part-0.tfrecord, is empty (0 bytes)"));
    rows.add(row("run: a data file that is not TFRecord", dir -> {
      Files.createDirectories(dir.resolve("data/text"));
      Files.writeString(dir.resolve("data/text/notes.tfrecord"), "these are not records at all\n");
      writeConfig(dir, "c.yaml", pipeline(dir, "data/text"));
    }, "run {dir}/c.yaml", 3, "{dir}/data/text/notes.tfrecord"));
    rows.add(row("explain: a data file that cannot be read", dir -> {
      assumeFalse(ROOT, "root reads a file whatever its permissions");
      tabular(dir.resolve("data/tabular"));
      Files.setPosixFilePermissions(dir.resolve("data/tabular/" + SampleDatasets.shardName(0, 2)),
          PosixFilePermissions.fromString("---------"));
      writeConfig(dir, "c.yaml", pipeline(dir, "data/tabular"));
    }, "explain {dir}/c.yaml", 2, "source.tfrecord.files.0 (line " + FILES_LINE,
        "cannot read {dir}/data/tabular/" + SampleDatasets.shardName(0, 2)));
    rows.add(row("train: the README's data not made yet, with the gen command", dir ->
            writeConfig(dir, "c.yaml", pipeline(dir, "data/tabular")),
        "train {dir}/c.yaml", 2, "source.tfrecord.files.0 (line " + FILES_LINE,
        "make the sample data with: ingest gen --kind tabular --out {dir}/data/tabular"
            + " --records 100000 --shards 8"));
    rows.add(row("explain: an example's data not made yet, with the gen command", dir ->
            writeConfig(dir, "quickstart.yaml", example("quickstart.yaml", dir)),
        "explain {dir}/quickstart.yaml", 2, "source.tfrecord.files.0 (line 11",
        "make the sample data with: ingest gen --kind image --out {dir}/data/demo/image"));
    // --set
    rows.add(row("run: --set without =", dir -> validPipeline(dir),
        "run {dir}/c.yaml --set batch_size", 2, "--set batch_size", "expected path=value"));
    rows.add(row("run: --set with an empty key in its path", dir -> validPipeline(dir),
        "run {dir}/c.yaml --set stages..batch=1", 2, "--set stages..batch=1",
        "the path keys separated by single dots"));
    rows.add(row("run: --set of the path '.'", dir -> validPipeline(dir),
        "run {dir}/c.yaml --set .=null", 2, "--set .=null", "expected path=value"));
    rows.add(row("explain: --set of an unknown path", dir -> validPipeline(dir),
        "explain {dir}/c.yaml --set stages.1.bach.batch_size=4", 2, "{dir}/c.yaml",
        "stages.1.bach.batch_size: --set: no key bach in the config"));
    rows.add(row("train: --set of a wrong type", dir -> validPipeline(dir),
        "train {dir}/c.yaml --set stages.1.batch.batch_size=many", 2, "{dir}/c.yaml",
        "stages.1.batch.batch_size: expected an integer"));
    // Files named by run's options: refused before anything runs
    rows.add(row("run: --resume names no file", dir -> validPipeline(dir),
        "run {dir}/c.yaml --resume {dir}/nosuch.state", 2,
        "--resume {dir}/nosuch.state: no such file"));
    rows.add(row("run: --resume names a file that is no state", dir -> {
      validPipeline(dir);
      Files.writeString(dir.resolve("garbage.state"), "not a state");
    }, "run {dir}/c.yaml --resume {dir}/garbage.state", 2, "--resume {dir}/garbage.state"));
    rows.add(row("run: --save-state into a missing folder", dir -> validPipeline(dir),
        "run {dir}/c.yaml --save-state {dir}/no/state.bin", 2,
        "--save-state {dir}/no/state.bin: there is no folder {dir}/no"));
    rows.add(row("run: --digest-log into a missing folder", dir -> validPipeline(dir),
        "run {dir}/c.yaml --digest-log {dir}/no/digests.txt", 2,
        "--digest-log {dir}/no/digests.txt: there is no folder {dir}/no"));
    rows.add(row("run: --digest-log names a folder", dir -> validPipeline(dir),
        "run {dir}/c.yaml --digest-log {dir}/data", 2, "--digest-log {dir}/data: is a folder"));
    rows.add(row("run: a negative --step-ms", dir -> validPipeline(dir),
        "run {dir}/c.yaml --step-ms -1", 2, "--step-ms"));
    rows.add(row("run: --epochs 0", dir -> validPipeline(dir),
        "run {dir}/c.yaml --epochs 0", 2, "--epochs"));
    rows.add(row("train: --steps 0", dir -> validPipeline(dir),
        "train {dir}/c.yaml --steps 0", 2, "--steps"));
    // Commands on record files
    rows.add(row("count: a path that does not exist", dir -> { },
        "count {dir}/nosuch", 2, "\"{dir}/nosuch\": no such file or folder"));
    rows.add(row("validate: a glob that matches nothing", dir -> Files.createDirectory(dir.resolve("d")),
        "validate {dir}/d/*.tfrecord", 2, "\"{dir}/d/*.tfrecord\" matches no file"));
    rows.add(row("inspect: a folder with no files", dir -> Files.createDirectory(dir.resolve("d")),
        "inspect {dir}/d", 2, "\"{dir}/d\" is a folder with no record file in it"));
    rows.add(row("count: the README's data not made yet, with the gen command", dir -> { },
        "count {dir}/data/tabular", 2,
        "ingest gen --kind tabular --out {dir}/data/tabular --records 100000 --shards 8"));
    rows.add(row("count: a file that is not TFRecord", dir ->
            Files.writeString(dir.resolve("notes.txt"), "these are not records at all\n"),
        "count {dir}/notes.txt", 3, "{dir}/notes.txt"));
    rows.add(row("validate: a file that cannot be read", dir -> {
      assumeFalse(ROOT, "root reads a file whatever its permissions");
      Files.writeString(dir.resolve("locked.tfrecord"), "");
      Files.setPosixFilePermissions(dir.resolve("locked.tfrecord"),
          PosixFilePermissions.fromString("---------"));
    }, "validate {dir}/locked.tfrecord", 2, "cannot read {dir}/locked.tfrecord"));
    rows.add(row("inspect: an unknown --compression", dir -> { },
        "inspect --compression lz4 {dir}", 2, "lz4"));
    // gen and demo
    rows.add(row("gen: --out is a file", dir -> Files.writeString(dir.resolve("taken"), "x"),
        "gen --kind image --out {dir}/taken", 2, "--out {dir}/taken: is a file, not a folder"));
    rows.add(row("gen: --out below a file", dir -> Files.writeString(dir.resolve("taken"), "x"),
        "gen --kind image --out {dir}/taken/data", 2,
        "--out {dir}/taken/data: {dir}/taken is a file"));
    rows.add(row("gen: --records -1", dir -> { },
        "gen --kind image --out {dir}/out --records -1", 2, "--records must be at least 0"));
    rows.add(row("demo: its data folder cannot be made", dir -> {
      Files.writeString(dir.resolve("data"), "a file where the demo's data folder goes");
      System.setProperty(DemoCommand.HOME_PROPERTY, dir.toString());
    }, "demo", 2, "the demo's data folder", "{dir}/data is a file"));
    return rows.stream();
  }

  @Test
  void thereAreAtLeast25MistakesAcrossEveryCommand() {
    List<String> commands = mistakes()
        .map(row -> ((String) row.get()[1]).split(" ")[0]).distinct().toList();

    assertThat(mistakes().count()).isGreaterThanOrEqualTo(25);
    assertThat(commands).containsExactlyInAnyOrder(
        "gen", "count", "validate", "inspect", "explain", "run", "train", "demo");
  }

  @Test
  void anInternalErrorIsOneLineAndVerboseAddsTheStackTrace() throws IOException {
    tabular(dir.resolve("data/tabular"));
    writeConfig(dir, "c.yaml", pipeline(dir, "data/tabular").replace("  - batch:",
        "  - map: {fn: " + Explodes.class.getName() + "}\n  - batch:"));

    Cli.Outcome plain = Cli.run("run", dir.resolve("c.yaml").toString(), "--json");
    Cli.Outcome verbose = Cli.run("--verbose", "run", dir.resolve("c.yaml").toString());
    Cli.Outcome verboseAfter = Cli.run("run", dir.resolve("c.yaml").toString(), "--verbose");

    assertThat(plain.exitCode()).isEqualTo(1);
    assertThat(plain.err().strip().lines()).singleElement().asString()
        .startsWith("ingest: internal error: ")
        .contains(Explodes.MESSAGE)
        .endsWith("(run with --verbose for the stack trace)");
    assertThat(plain.json().get("exit_code").asInt()).isEqualTo(1);
    for (Cli.Outcome outcome : List.of(verbose, verboseAfter)) {
      assertThat(outcome.exitCode()).isEqualTo(1);
      assertThat(outcome.err()).startsWith("ingest: internal error: ")
          .contains(Explodes.MESSAGE, "\tat ").doesNotContain("run with --verbose");
    }
  }

  @Test
  void verboseAddsTheStackTraceToAUserMistakeToo() {
    Cli.Outcome outcome = Cli.run("run", dir.resolve("nosuch.yaml").toString(), "--verbose");

    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(outcome.err()).contains("no such file", "\tat ");
  }

  @Test
  void someEmptyShardsAreReadWithAWarning() throws IOException {
    tabular(dir.resolve("data/tabular"));
    Files.createFile(dir.resolve("data/tabular/part-extra.tfrecord"));
    writeConfig(dir, "c.yaml", pipeline(dir, "data/tabular"));

    Cli.Outcome run = Cli.run("run", dir.resolve("c.yaml").toString(), "--json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.json().get("records").asLong()).isEqualTo(40);
    assertThat(run.err()).contains("warning: 1 file is empty (0 records): " + dir
        .resolve("data/tabular/part-extra.tfrecord"));
  }

  /** A map with a bug: what an internal error looks like. */
  public static final class Explodes implements RowMapper {
    static final String MESSAGE = "a bug in the map";

    @Override
    public void apply(Row row) {
      throw new IllegalStateException(MESSAGE);
    }
  }

  private static Arguments row(String name, Setup setup, String args, int exitCode,
      String... messageParts) {
    return Arguments.of(Named.of(name, setup), args, exitCode, List.of(messageParts));
  }

  private static String pipeline(Path dir, String files) {
    return PIPELINE.replace("FILES", dir.resolve(files).toString());
  }

  private static void validPipeline(Path dir) throws IOException {
    tabular(dir.resolve("data/tabular"));
    writeConfig(dir, "c.yaml", pipeline(dir, "data/tabular"));
  }

  private static void tabular(Path folder) throws IOException {
    SampleDatasets.write(SampleKind.TABULAR, folder, 40, 2, Compression.NONE, 3);
  }

  private static void writeConfig(Path dir, String name, String text) throws IOException {
    Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }

  /** An example with its data folder moved into {@code dir}, the lines kept. */
  private static String example(String name, Path dir) {
    try {
      return Files.readString(EXAMPLES.resolve(name))
          .replace("${INGEST_DATA:data}", dir.resolve("data").toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every file and folder under the test's folder, with its size (folders: -1). */
  private Map<String, Long> snapshot() throws IOException {
    Map<String, Long> files = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.toList()) {
        files.put(dir.relativize(path).toString(),
            Files.isDirectory(path) ? -1 : Files.size(path));
      }
    }
    return files;
  }
}
