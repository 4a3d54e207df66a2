package dev.ingest.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingest.RecordProblem;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/** The one JSON object a command prints as the last line of stdout under {@code --json}. */
final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Prints {@code node} on one line and flushes. */
  static void print(PrintWriter out, ObjectNode node) {
    try {
      out.println(MAPPER.writeValueAsString(node));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    out.flush();
  }

  /** A problem as {@code validate} reports it: path, offset, record, kind and detail. */
  static ObjectNode problem(RecordProblem problem) {
    ObjectNode node = object();
    node.put("path", problem.file().toString());
    node.put("offset", problem.offset());
    node.put("record", problem.recordIndex());
    node.put("kind", problem.kind().wireName());
    node.put("detail", problem.detail());
    return node;
  }

  /** What a command prints under {@code --json} when it fails: the message and the exit code. */
  static ObjectNode error(String message, int exitCode) {
    ObjectNode node = object();
    node.put("error", message);
    node.put("exit_code", exitCode);
    return node;
  }
}
