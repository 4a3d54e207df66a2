package dev.ingest.cli;

import java.io.PrintWriter;
import java.io.Writer;
import picocli.CommandLine;

/**
 * The child JVM of {@link GenKillTest}: runs {@code ingest gen} into the same folder again and
 * again in this process, with the same arguments, and says so after each run.
 */
final class GenChild {
  static final String PROGRESS = "at ";
  static final String STARTING = PROGRESS + "start";
  static final String GENERATED = PROGRESS + "generated";

  private GenChild() {}

  /** The arguments of {@code ingest gen} that {@link GenKillTest} and this child both run. */
  static String[] gen(String out) {
    return new String[] {"gen", "--kind", "tabular", "--out", out, "--records", "3000",
        "--shards", "4", "--seed", "7"};
  }

  /** @param args the output folder */
  public static void main(String[] args) {
    System.out.println(STARTING);
    System.out.flush();
    while (true) {
      CommandLine commandLine = IngestCommand.newCommandLine();
      commandLine.setOut(new PrintWriter(Writer.nullWriter()));
      commandLine.setErr(new PrintWriter(System.out, true));
      int exitCode = commandLine.execute(gen(args[0]));
      if (exitCode != ExitCode.OK) {
        System.out.println("exit " + exitCode);
        System.exit(exitCode);
      }
      System.out.println(GENERATED);
      System.out.flush();
    }
  }
}
