package dev.ingest.bench;

import java.util.HashMap;
import java.util.Map;

/** A probe's {@code name=value} arguments, as the probes' scripts pass them through. */
final class ProbeArguments {
  private ProbeArguments() {}

  /**
   * {@code args} as a map of name to value.
   *
   * @throws IllegalArgumentException naming an argument without {@code =}
   */
  static Map<String, String> of(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      int equals = arg.indexOf('=');
      if (equals < 0) {
        throw new IllegalArgumentException("arguments are name=value, got " + arg);
      }
      options.put(arg.substring(0, equals), arg.substring(equals + 1));
    }
    return options;
  }
}
