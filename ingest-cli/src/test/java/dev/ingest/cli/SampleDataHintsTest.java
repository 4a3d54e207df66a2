package dev.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.cli.config.ConfigException;
import dev.ingest.cli.config.PipelineConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sample folders the examples and the README read all have the {@code ingest gen} command
 * that makes them, and the commands written in those files are the ones the hints give: a new
 * example cannot forget its hint, and a changed README command cannot drift from it.
 */
class SampleDataHintsTest {
  // Surefire runs in the module's folder; the examples and README are at the repository root.
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  /**
   * A files entry's folder in an example's text: the whole path segments after
   * {@code ${INGEST_DATA:data}} up to the closing quote or the segment with a glob character.
   */
  private static final Pattern DATA_FOLDER =
      Pattern.compile("\\$\\{INGEST_DATA:data}((?:/[^/\"*?\\[{]+)+)(?=/|\")");
  private static final Pattern GEN = Pattern.compile("ingest gen [^\\n`]*?--out (\\S+)[^\\n`]*");

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(ROOT.resolve("examples"))) {
      return files.filter(file -> file.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void everyExamplesDataFolderHasAGenCommandThatWritesIt(Path example)
      throws IOException, ConfigException {
    // The environment as on a fresh machine: the examples' ${INGEST_DATA:data} is data.
    PipelineConfig config = PipelineConfig.parse(Files.readString(example), List.of(),
        Map.<String, String>of()::get, "example");

    assertThat(config.sourceFiles()).isNotEmpty();
    // The folders as the example writes them, not as SampleDataHints.folderOf computes them:
    // the hint must agree with the file, not with the code that makes it.
    List<String> folders = DATA_FOLDER.matcher(Files.readString(example)).results()
        .map(match -> "data" + match.group(1)).toList();
    assertThat(folders).as("the ${INGEST_DATA:data}/... files of %s", example)
        .hasSameSizeAs(config.sourceFiles());
    for (int i = 0; i < folders.size(); i++) {
      String pattern = config.sourceFiles().get(i).pattern();
      String folder = folders.get(i);
      assertThat(SampleDataHints.genCommand(pattern))
          .as("the gen command for %s", pattern)
          .hasValueSatisfying(command -> assertThat(command).contains(" --out " + folder + " "));
    }
  }

  static Stream<Path> documents() throws IOException {
    return Stream.concat(Stream.of(ROOT.resolve("README.md")), examples());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("documents")
  void theGenCommandsWrittenInTheDocumentsAreTheHints(Path document) throws IOException {
    Matcher gen = GEN.matcher(Files.readString(document));
    while (gen.find()) {
      String written = gen.group().strip();
      assertThat(SampleDataHints.genCommand(gen.group(1))).as(written).contains(written);
    }
  }

  @Test
  void everyHintIsACommandLineGenAccepts() {
    for (SampleDataHints.SampleFolder sample : SampleDataHints.FOLDERS) {
      String command = sample.genCommand("data/" + sample.folder());
      String[] args = command.substring("ingest ".length()).split(" ");

      var parsed = IngestCommand.newCommandLine().parseArgs(args);

      assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("gen");
    }
  }

  @Test
  void onlyTheSampleFoldersBelowTheDataRootHaveAHint() {
    assertThat(SampleDataHints.genCommand("data/tabular/*.tfrecord")).contains(
        "ingest gen --kind tabular --out data/tabular --records 100000 --shards 8");
    assertThat(SampleDataHints.genCommand("/srv/data/demo/image/")).contains(
        "ingest gen --kind image --out /srv/data/demo/image --records 40000 --shards 4");
    assertThat(SampleDataHints.genCommand("data/text")).hasValueSatisfying(
        command -> assertThat(command).startsWith("ingest gen --kind text --out data/text "));
    assertThat(SampleDataHints.genCommand("mine/tabular")).isEmpty();
    assertThat(SampleDataHints.genCommand("data/demo/text")).isEmpty();
    assertThat(SampleDataHints.genCommand("tabular")).isEmpty();
  }
}
