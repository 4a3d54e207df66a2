package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The runtime's sub-packages depend on each other in one direction only (docs/engine.md, "Map of
 * the runtime"), and each says in its package-info.java what it owns. Read from the main sources
 * rather than the classes, so that a reference javac would inline (a constant) counts too: a
 * file's package line, its imports of runtime packages, and runtime names it writes out in full.
 */
class PackageCyclesTest {
  private static final String RUNTIME = "dev.ingest.runtime";
  private static final Path SOURCES = Path.of("src/main/java/dev/ingest/runtime");
  private static final Pattern PACKAGE =
      Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
  /** A runtime name: its package is the lower-case segments before the first type name. */
  private static final Pattern RUNTIME_NAME =
      Pattern.compile("\\bdev\\.ingest\\.runtime((?:\\.[a-z]\\w*)*)(?=\\.[A-Z*])");
  private static final Pattern COMMENT_OR_STRING = Pattern.compile(
      "/\\*.*?\\*/|//[^\\n]*|\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'", Pattern.DOTALL);

  @Test
  void subPackagesDependInOneDirection() throws IOException {
    Map<String, Set<String>> graph = dependencies(SOURCES);

    assertThat(graph.keySet()).as("the runtime's packages, read from %s", SOURCES)
        .contains(RUNTIME, RUNTIME + ".stage", RUNTIME + ".metrics");
    List<String> cycle = cycle(graph);
    assertThat(cycle).as("the runtime's packages depend on each other in a cycle: %s (all: %s)",
        String.join(" -> ", cycle), graph).isEmpty();
  }

  @Test
  void everySubPackageSaysWhatItOwns() throws IOException {
    List<String> missing = new ArrayList<>();
    try (Stream<Path> folders = Files.walk(SOURCES)) {
      for (Path folder : folders.filter(Files::isDirectory).toList()) {
        boolean hasSources;
        try (Stream<Path> files = Files.list(folder)) {
          hasSources = files.anyMatch(file -> file.toString().endsWith(".java"));
        }
        if (hasSources && !Files.exists(folder.resolve("package-info.java"))) {
          missing.add(SOURCES.relativize(folder).toString());
        }
      }
    }
    assertThat(missing).as("sub-packages of %s without a package-info.java", RUNTIME).isEmpty();
  }

  @Test
  void aBackEdgeIsReportedAsTheCycleItCloses() {
    Map<String, Set<String>> graph = new TreeMap<>();
    graph.put("runtime", Set.of("stage", "tune"));
    graph.put("stage", Set.of("read"));
    graph.put("tune", Set.of("metrics"));
    graph.put("read", Set.of("metrics"));
    graph.put("metrics", Set.of());
    assertThat(cycle(graph)).isEmpty();

    graph.put("metrics", Set.of("stage"));
    assertThat(cycle(graph)).containsExactly("metrics", "stage", "read", "metrics");
  }

  @Test
  void importsStaticImportsAndFullNamesCountButCommentsAndStringsDoNot() {
    String source = """
        package dev.ingest.runtime.stage;

        import dev.ingest.runtime.read.RecordCache.Filling;
        import static dev.ingest.runtime.metrics.Stage.READ;
        import dev.ingest.tfrecord.RecordFiles;

        /** See {@link dev.ingest.runtime.cache.RecordCaches}. */
        class Example {
          dev.ingest.runtime.tune.TunedSettings settings;
          String name = "dev.ingest.runtime.memory.MemoryBudget";
          // dev.ingest.runtime.concurrent.Backoff
        }
        """;
    assertThat(referencedPackages(source)).containsExactlyInAnyOrder(
        RUNTIME + ".read", RUNTIME + ".metrics", RUNTIME + ".tune");
  }

  /** Each runtime package to the other runtime packages its main sources use. */
  static Map<String, Set<String>> dependencies(Path sources) throws IOException {
    Map<String, Set<String>> graph = new TreeMap<>();
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
        String source = Files.readString(file);
        Matcher declared = PACKAGE.matcher(source);
        if (!declared.find()) {
          continue; // package-info.java without a package line would be caught by javac
        }
        String from = declared.group(1);
        Set<String> uses = graph.computeIfAbsent(from, name -> new TreeSet<>());
        for (String to : referencedPackages(source)) {
          if (!to.equals(from)) {
            uses.add(to);
            graph.computeIfAbsent(to, name -> new TreeSet<>());
          }
        }
      }
    }
    return graph;
  }

  /** The runtime packages a source file names in its code, leaving out comments and strings. */
  static Set<String> referencedPackages(String source) {
    String code = COMMENT_OR_STRING.matcher(source).replaceAll(" ");
    code = PACKAGE.matcher(code).replaceFirst("");
    Set<String> packages = new TreeSet<>();
    Matcher name = RUNTIME_NAME.matcher(code);
    while (name.find()) {
      packages.add(RUNTIME + name.group(1));
    }
    return packages;
  }

  /** One cycle of {@code graph}, as the packages along it with the first repeated at the end. */
  static List<String> cycle(Map<String, Set<String>> graph) {
    Map<String, Integer> state = new TreeMap<>(); // absent: unvisited, 1: on the path, 2: done
    List<String> path = new ArrayList<>();
    for (String start : graph.keySet()) {
      List<String> found = visit(start, graph, state, path);
      if (!found.isEmpty()) {
        return found;
      }
    }
    return List.of();
  }

  private static List<String> visit(String node, Map<String, Set<String>> graph,
      Map<String, Integer> state, List<String> path) {
    Integer seen = state.get(node);
    if (seen != null && seen == 2) {
      return List.of();
    }
    if (seen != null) {
      List<String> cycle = new ArrayList<>(path.subList(path.indexOf(node), path.size()));
      cycle.add(node);
      return cycle;
    }
    state.put(node, 1);
    path.add(node);
    for (String next : new TreeSet<>(graph.getOrDefault(node, Set.of()))) {
      List<String> found = visit(next, graph, state, path);
      if (!found.isEmpty()) {
        return found;
      }
    }
    path.remove(path.size() - 1);
    state.put(node, 2);
    return List.of();
  }
}
