package dev.ingest.cli.config;

import java.util.List;
import java.util.Map;

/**
 * One value of a pipeline YAML with where it starts in the file, so that every error can name
 * its line. {@code value} is a {@code Map<String, ConfigNode>} (in file order), a {@code
 * List<ConfigNode>}, a {@code String}, a {@code Long}, a {@code Double}, a {@code Boolean} or
 * {@code null}. Line and column count from 1; 0 for a value set from the command line.
 */
public record ConfigNode(Object value, int line, int column) {

  @SuppressWarnings("unchecked")
  Map<String, ConfigNode> map() {
    return (Map<String, ConfigNode>) value;
  }

  @SuppressWarnings("unchecked")
  List<ConfigNode> list() {
    return (List<ConfigNode>) value;
  }

  boolean isMap() {
    return value instanceof Map;
  }

  boolean isList() {
    return value instanceof List;
  }

  /**
   * The value as plain maps, lists and scalars, for readers that take those; integers that fit
   * an {@code int} become {@code Integer}s, as a YAML reader such as snakeyaml hands them over.
   */
  Object plain() {
    if (value instanceof Long number && number == number.intValue()) {
      return number.intValue();
    }
    if (isMap()) {
      Map<String, Object> plain = new java.util.LinkedHashMap<>();
      map().forEach((key, node) -> plain.put(key, node.plain()));
      return plain;
    }
    if (isList()) {
      return list().stream().map(ConfigNode::plain).toList();
    }
    return value;
  }
}
