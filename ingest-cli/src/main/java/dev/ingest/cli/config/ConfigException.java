package dev.ingest.cli.config;

import java.util.List;
import java.util.stream.Collectors;

/** A pipeline config that cannot be run, with every problem found in it (exit code 2). */
public final class ConfigException extends Exception {
  private final List<Problem> problems;

  public ConfigException(List<Problem> problems) {
    super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  public List<Problem> problems() {
    return problems;
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
