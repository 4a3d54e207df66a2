package dev.ingest.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/** Runs {@code ingest} in-process with captured stdout and stderr. */
final class Cli {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Cli() {}

  record Outcome(int exitCode, String out, String err) {
    /** The last line of stdout, parsed as the contract's one JSON object. */
    JsonNode json() {
      String[] lines = out.strip().split("\\R");
      try {
        JsonNode node = MAPPER.readTree(lines[lines.length - 1]);
        if (!node.isObject()) {
          throw new AssertionError("last line of stdout is not a JSON object: " + out);
        }
        return node;
      } catch (IOException e) {
        throw new UncheckedIOException("last line of stdout is not JSON: " + out, e);
      }
    }
  }

  static Outcome run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = IngestCommand.newCommandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new Outcome(exitCode, out.toString(), err.toString());
  }
}
