package dev.ingest.cli.inspect;

import dev.ingest.DType;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Writes inferred features as a {@code parse_example} stage of a pipeline YAML, indented to be
 * pasted as-is under {@code stages:} (CONTRACTS.md section 4):
 *
 * <pre>
 *   - parse_example:
 *       features:
 *         image: {type: bytes}
 *         label: {type: int64, shape: []}
 *         tokens: {type: int64, var_len: true}
 * </pre>
 *
 * <ul>
 *   <li>The same number of values in every record that holds it: a fixed feature, {@code shape:
 *       []} for one value, {@code shape: [n]} for n.
 *   <li>Held by every scanned record: no default, so a record without it is an error, as the
 *       data so far says it should be. Missing from some: a default of 0, 0.0 or "" fills it.
 *   <li>A varying number of values, or none at all: {@code var_len: true} (a missing one is an
 *       empty row).
 *   <li>Records that disagree on the type: the line is written as a comment saying so, since
 *       no spec can parse both; the stage still loads if other features remain.
 * </ul>
 */
public final class ParseExampleYaml {
  /** Keys YAML reads back as the same plain string; anything else is double-quoted. */
  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_./-]*");

  private ParseExampleYaml() {}

  /** The stage, each line ending in a newline, its first line {@code "  - parse_example:"}. */
  public static String render(List<InferredFeature> features) {
    StringBuilder yaml = new StringBuilder("  - parse_example:\n      features:\n");
    for (InferredFeature feature : features) {
      yaml.append("        ");
      DType dtype = feature.dtype();
      if (dtype == null) {
        yaml.append("# ").append(key(feature.name())).append(": records disagree on its type (")
            .append(feature.dtypes().stream().map(DType::wireName).sorted()
                .collect(Collectors.joining(", ")))
            .append("); no spec parses them all\n");
        continue;
      }
      yaml.append(key(feature.name())).append(": {type: ").append(dtype.wireName());
      if (!feature.fixedLength() || feature.maxLength() == 0) {
        yaml.append(", var_len: true");
      } else {
        yaml.append(", shape: ").append(feature.minLength() == 1 ? "[]" : "[" + feature.minLength() + "]");
        if (!feature.presentInAll()) {
          yaml.append(", default: ").append(zero(dtype));
        }
      }
      yaml.append("}\n");
    }
    return yaml.toString();
  }

  private static String zero(DType dtype) {
    return switch (dtype) {
      case FLOAT32 -> "0.0";
      case INT64 -> "0";
      case BYTES -> "\"\"";
    };
  }

  private static String key(String name) {
    if (PLAIN_KEY.matcher(name).matches()) {
      return name;
    }
    StringBuilder quoted = new StringBuilder("\"");
    name.codePoints().forEach(c -> {
      if (c == '"' || c == '\\') {
        quoted.append('\\').appendCodePoint(c);
      } else if (c < 0x20 || c == 0x7F) {
        quoted.append(String.format("\\u%04x", c));
      } else {
        quoted.appendCodePoint(c);
      }
    });
    return quoted.append('"').toString();
  }
}
