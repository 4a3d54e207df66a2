package dev.ingest.cli.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A pipeline config that cannot be run, with every problem found in it (exit code 2): in the
 * YAML itself, in a {@code --set}, in reading the file, or in the data its {@code files} name.
 */
public final class ConfigException extends Exception {
  private final String file;
  private final List<Problem> problems;

  /** Problems in a config whose file is not known (one parsed from text). */
  public ConfigException(List<Problem> problems) {
    this(null, problems);
  }

  /** @param file the config file as the user named it, or null when there is none */
  public ConfigException(String file, List<Problem> problems) {
    super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
    this.file = file;
    this.problems = List.copyOf(problems);
  }

  /** The same problems, said of {@code file}. */
  public ConfigException in(String file) {
    return new ConfigException(file, problems);
  }

  public List<Problem> problems() {
    return problems;
  }

  /**
   * True when the one problem is with the file as a whole (missing, a folder, unreadable,
   * empty), so a single line says it all.
   */
  public boolean aboutTheWholeFile() {
    return problems.size() == 1 && problems.get(0).path().isEmpty()
        && problems.get(0).line() == 0;
  }

  /**
   * The one-line summary: {@code pipeline config F: what is wrong} for a problem with the whole
   * file, else {@code invalid pipeline config F} (the problems follow, one a line).
   */
  public String headline() {
    String named = file == null ? "" : " " + file;
    return aboutTheWholeFile()
        ? "pipeline config" + named + ": " + problems.get(0).message()
        : "invalid pipeline config" + named;
  }

  /**
   * One problem: the YAML path ({@code stages.3.batch.batch_size}), where the offending value
   * starts (line 0 when it came from {@code --set} or the whole file) and what is wrong.
   */
  public record Problem(String path, int line, int column, String message) {
    @Override
    public String toString() {
      String where = line > 0 ? " (line " + line + ", column " + column + ")" : "";
      return (path.isEmpty() ? "<document>" : path) + where + ": " + message;
    }
  }
}
