package dev.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.bench.PipelineReport.Ratio;
import dev.ingest.bench.PipelineReport.ThroughputRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the documents a newcomer reads short and true: the benchmarks README stays a guide (its
 * history belongs in {@code benchmarks/LOG.md}), every image and file it or another document
 * links to exists, its headline ratios are the ones the published figures give, every chart those
 * figures draw is committed (small) and shown, and no source comment carries a measurement diary
 * (dates, numbered sessions): a comment gives the reason and names the benchmark that measures it.
 */
class DocumentsStayReadableTest {
  /** About 250 lines is what a newcomer reads through; a little slack for a new benchmark's row. */
  static final int README_MAX_LINES = 260;
  /** A committed chart stays small enough that the repository does not grow with each run. */
  static final long CHART_MAX_BYTES = 100 * 1024;

  /** A calendar date; an ISO instant ({@code 2026-01-05T10:00:00Z}) in a format's example is not a diary. */
  static final Pattern DATE = Pattern.compile("\\b20\\d\\d-\\d\\d-\\d\\d\\b(?!T)");
  static final Pattern NUMBERED_SESSION = Pattern.compile(
      "\\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\\d+(st|nd|rd|th))"
          + " session\\b", Pattern.CASE_INSENSITIVE);
  /** A Markdown link or image to a local file: {@code [text](path)} or {@code ![alt](path)}. */
  static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(([^)\\s#]+)(#[^)]*)?\\)");

  @TempDir Path drawn;

  static Path repository() {
    Path module = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    Path root = module.getParent();
    assertThat(root.resolve("pom.xml")).as("the reactor's pom above %s", module).exists();
    return root;
  }

  @Test
  void theBenchmarksReadmeIsAGuideNotALog() throws IOException {
    Path readme = repository().resolve("benchmarks/README.md");

    assertThat(Files.readAllLines(readme))
        .as("benchmarks/README.md is a guide; dated runs go to benchmarks/LOG.md")
        .hasSizeLessThanOrEqualTo(README_MAX_LINES);
    assertThat(repository().resolve("benchmarks/LOG.md")).exists();
  }

  @Test
  void everyLocalLinkAndImageInTheDocumentsExists() throws IOException {
    List<String> broken = new ArrayList<>();
    for (Path document : documents()) {
      Matcher link = LINK.matcher(Files.readString(document));
      while (link.find()) {
        String target = link.group(1);
        if (target.contains("://") || target.startsWith("mailto:")) {
          continue;
        }
        if (!Files.exists(document.getParent().resolve(target))) {
          broken.add(repository().relativize(document) + " -> " + target);
        }
      }
    }
    assertThat(broken).as("links to files that do not exist").isEmpty();
  }

  @Test
  void theReadmesHeadlineRatiosAreThePublishedFigures() throws IOException {
    Path root = repository();
    List<String> readme = Files.readAllLines(root.resolve("benchmarks/README.md"));
    List<ThroughputRow> rows =
        PipelineFigures.read(root.resolve("benchmarks/published/pipeline.csv")).throughput();

    assertThat(rows).extracting(ThroughputRow::kind).containsExactly("image", "tabular", "text");
    for (ThroughputRow row : rows) {
      String line = readme.stream().filter(l -> l.startsWith("| " + row.kind() + " | "))
          .findFirst().orElseThrow(() -> new AssertionError("no headline row for " + row.kind()));
      assertThat(line).as("the headline row of %s", row.kind())
          .contains(ratio(row.versusTfDataAllCores()), ratio(row.versusTfDataOneThread()),
              ratio(row.versusNaive()));
    }
  }

  /**
   * Every chart the published figures draw is committed, small, and in the README. Whether the
   * committed pixels are today's drawing is not checked: the rendering depends on the machine's
   * fonts, and {@code benchmarks/draw-charts.sh} redraws them from the figures.
   */
  @Test
  void everyChartThePublishedFiguresDrawIsCommittedSmallAndShown() throws Exception {
    Path root = repository();
    PublishedCharts.main(new String[] {
        root.resolve("benchmarks/published/pipeline.csv").toString(), drawn.toString()});
    String readme = Files.readString(root.resolve("benchmarks/README.md"));

    List<String> names;
    try (Stream<Path> files = Files.list(drawn)) {
      names = files.map(file -> file.getFileName().toString()).sorted().toList();
    }
    assertThat(names).contains("speedups.png", "throughput.png", "idle-image.png");
    for (String name : names) {
      Path committed = root.resolve("docs/images").resolve(name);
      assertThat(committed).as("run benchmarks/draw-charts.sh").exists();
      assertThat(Files.size(committed)).as(name).isLessThanOrEqualTo(CHART_MAX_BYTES);
      assertThat(readme).contains("(../docs/images/" + name + ")");
    }
  }

  @Test
  void noSourceCommentKeepsAMeasurementDiary() throws IOException {
    List<String> diaries = new ArrayList<>();
    for (Path source : javaSources()) {
      List<String> lines = Files.readAllLines(source);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        if (DATE.matcher(line).find() || NUMBERED_SESSION.matcher(line).find()) {
          diaries.add(repository().relativize(source) + ":" + (i + 1) + ": " + line.strip());
        }
      }
    }
    assertThat(diaries)
        .as("dates and sessions belong in benchmarks/LOG.md; a comment gives the reason and the"
            + " benchmark that measures it")
        .isEmpty();
  }

  @Test
  void theDiaryPatternsCatchWhatTheyAreFor() {
    // The samples are split so that this file passes its own scan.
    assertThat(DATE.matcher(" * (benchmarks README, 2026-" + "11-30): borrowing took 9%").find())
        .isTrue();
    assertThat(DATE.matcher(" *   file.0=x size=1 modified=2026-" + "01-05T10:00:00.123Z").find())
        .isFalse();
    assertThat(NUMBERED_SESSION.matcher("(fourth " + "session of the day)").find()).isTrue();
    assertThat(NUMBERED_SESSION.matcher("feed it to a session").find()).isFalse();
  }

  private static String ratio(Ratio ratio) {
    return String.format(Locale.ROOT, "%.2fx (%.2f–%.2f)", ratio.median(), ratio.lowest(),
        ratio.highest());
  }

  /** The Markdown a reader opens: the root README, benchmarks' README and LOG, and docs/. */
  private static List<Path> documents() throws IOException {
    Path root = repository();
    List<Path> documents = new ArrayList<>(List.of(root.resolve("README.md"),
        root.resolve("benchmarks/README.md"), root.resolve("benchmarks/LOG.md")));
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(file -> file.toString().endsWith(".md")).sorted().forEach(documents::add);
    }
    return documents;
  }

  /** Every module's main and test Java sources, found by walking the tree. */
  private static List<Path> javaSources() throws IOException {
    Path root = repository();
    List<Path> modules;
    try (Stream<Path> children = Files.list(root)) {
      modules = children
          .filter(dir -> Files.exists(dir.resolve("pom.xml")))
          .sorted().toList();
    }
    assertThat(modules).as("modules under %s", root).isNotEmpty();
    List<Path> sources = new ArrayList<>();
    for (Path module : modules) {
      for (String tree : List.of("src/main/java", "src/test/java")) {
        Path folder = module.resolve(tree);
        if (Files.isDirectory(folder)) {
          try (Stream<Path> files = Files.walk(folder)) {
            sources.addAll(files.filter(file -> file.toString().endsWith(".java"))
                .collect(Collectors.toList()));
          }
        }
      }
    }
    return sources;
  }
}
