package dev.ingest.cli.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.ingest.cli.config.ConfigException.Problem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads a pipeline YAML into {@link ConfigNode}s that remember their line, substitutes {@code
 * ${ENV_VAR:default}} in string values and applies {@code --set path=value} overrides.
 *
 * <p>A config is small and written by people: documents over {@value #MAX_CHARS} characters,
 * more than {@value #MAX_ALIASES} aliases (the "billion laughs" expansion) and custom tags
 * ({@code !!java/object}, {@code !mine}) are refused rather than interpreted.
 */
public final class ConfigReader {
  static final int MAX_CHARS = 1 << 20;
  static final int MAX_ALIASES = 20;
  private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?}");

  private final Function<String, String> environment;

  /** @param environment looks up an environment variable; null when it is not set */
  public ConfigReader(Function<String, String> environment) {
    this.environment = environment;
  }

  /** The document in {@code text}, with env substitution done; throws on YAML it refuses. */
  public ConfigNode read(String text) throws ConfigException {
    if (text.length() > MAX_CHARS) {
      throw single("", "the config has " + text.length() + " characters; at most " + MAX_CHARS);
    }
    LoaderOptions loader = new LoaderOptions();
    loader.setMaxAliasesForCollections(MAX_ALIASES);
    loader.setAllowRecursiveKeys(false);
    loader.setCodePointLimit(MAX_CHARS);
    YAMLFactory factory = YAMLFactory.builder()
        .loaderOptions(loader)
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
        .build();
    Document document = new Document();
    List<Problem> problems = document.problems;
    ConfigNode root;
    try (JsonParser parser = factory.createParser(text)) {
      if (parser.nextToken() == null) {
        throw single("", "the config is empty");
      }
      root = readValue((YAMLParser) parser, "", document);
      if (parser.nextToken() != null) {
        problems.add(new Problem("", parser.currentLocation().getLineNr(),
            parser.currentLocation().getColumnNr(), "only one YAML document is allowed"));
      }
    } catch (ConfigException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // snakeyaml's own limits (aliases, size) and syntax errors arrive here
      String message = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
      int line = 0;
      int column = 0;
      if (e instanceof com.fasterxml.jackson.core.JsonProcessingException processing
          && processing.getLocation() != null) {
        line = processing.getLocation().getLineNr();
        column = processing.getLocation().getColumnNr();
      }
      throw new ConfigException(List.of(new Problem("", line, column, "not valid YAML: " + message)));
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return root;
  }

  /** What one document has seen so far: its problems, its anchors, its aliases. */
  private static final class Document {
    final List<Problem> problems = new ArrayList<>();
    final Map<String, ConfigNode> anchors = new HashMap<>();
    int aliases;
  }

  /**
   * The value at the parser's current token. Jackson hands an alias over as its anchor's name;
   * it is replaced by the anchored value, at most {@value #MAX_ALIASES} times per document
   * (the anchored value is shared, not copied, so nesting cannot blow up memory either).
   */
  private ConfigNode readValue(YAMLParser parser, String path, Document document)
      throws IOException, ConfigException {
    JsonLocation at = parser.currentTokenLocation();
    int line = at.getLineNr();
    int column = at.getColumnNr();
    List<Problem> problems = document.problems;
    if (parser.isCurrentAlias()) {
      if (++document.aliases > MAX_ALIASES) {
        throw new ConfigException(List.of(new Problem(path, line, column,
            "more than " + MAX_ALIASES + " YAML aliases in one document")));
      }
      ConfigNode anchored = document.anchors.get(parser.getText());
      if (anchored == null) {
        problems.add(new Problem(path, line, column, "unknown YAML anchor *" + parser.getText()));
        return new ConfigNode(null, line, column);
      }
      return anchored;
    }
    String anchor = parser.getObjectId();
    String tag = parser.getTypeId();
    if (tag != null) {
      problems.add(new Problem(path, line, column, "custom YAML tags are not allowed: " + tag));
    }
    ConfigNode node = switch (parser.currentToken()) {
      case START_OBJECT -> {
        Map<String, ConfigNode> map = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String key = parser.currentName();
          String child = path.isEmpty() ? key : path + "." + key;
          JsonLocation keyAt = parser.currentTokenLocation();
          parser.nextToken();
          ConfigNode value = readValue(parser, child, document);
          if (map.containsKey(key)) {
            problems.add(new Problem(child, keyAt.getLineNr(), keyAt.getColumnNr(), "duplicate key"));
          }
          map.put(key, value);
        }
        yield new ConfigNode(map, line, column);
      }
      case START_ARRAY -> {
        List<ConfigNode> list = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          list.add(readValue(parser, path + "." + list.size(), document));
        }
        yield new ConfigNode(list, line, column);
      }
      case VALUE_STRING ->
          new ConfigNode(substitute(parser.getText(), path, line, column, problems), line, column);
      case VALUE_NUMBER_INT -> new ConfigNode(
          parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
              ? parser.getText() : (Object) parser.getLongValue(), line, column);
      case VALUE_NUMBER_FLOAT -> new ConfigNode(parser.getDoubleValue(), line, column);
      case VALUE_TRUE -> new ConfigNode(true, line, column);
      case VALUE_FALSE -> new ConfigNode(false, line, column);
      case VALUE_NULL -> new ConfigNode(null, line, column);
      default -> {
        problems.add(new Problem(path, line, column, "unexpected YAML content " + parser.currentToken()));
        yield new ConfigNode(null, line, column);
      }
    };
    if (anchor != null) {
      document.anchors.put(anchor, node);
    }
    return node;
  }

  private String substitute(String text, String path, int line, int column, List<Problem> problems) {
    Matcher matcher = ENV.matcher(text);
    StringBuilder result = new StringBuilder();
    while (matcher.find()) {
      String value = environment.apply(matcher.group(1));
      if (value == null) {
        value = matcher.group(2);
      }
      if (value == null) {
        problems.add(new Problem(path, line, column, "environment variable " + matcher.group(1)
            + " is not set and ${" + matcher.group(1) + "} has no default (${NAME:default})"));
        value = "";
      }
      matcher.appendReplacement(result, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(result);
    return result.toString();
  }

  /**
   * Applies {@code --set path=value} overrides to {@code root}: the path's keys are mapping keys
   * or list indexes ({@code stages.3.batch.batch_size=512}); a missing last key is added. The
   * value is read as a YAML scalar: {@code 512} is a number, {@code true} a boolean, {@code
   * null} null, anything else a string.
   */
  public ConfigNode override(ConfigNode root, List<String> settings) throws ConfigException {
    List<Problem> problems = new ArrayList<>();
    for (String setting : settings) {
      int equals = setting.indexOf('=');
      if (equals <= 0) {
        problems.add(new Problem("--set " + setting, 0, 0, "expected path=value"));
        continue;
      }
      String path = setting.substring(0, equals);
      String[] keys = path.split("\\.", -1);
      if (java.util.Arrays.asList(keys).contains("")) {
        // "." or "a..b" name no key: split would give an empty path, or an empty key.
        problems.add(new Problem("--set " + setting, 0, 0,
            "expected path=value, the path keys separated by single dots"));
        continue;
      }
      String error = set(root, keys, 0, scalar(setting.substring(equals + 1)));
      if (error != null) {
        problems.add(new Problem(path, 0, 0, "--set: " + error));
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return root;
  }

  private static String set(ConfigNode node, String[] keys, int at, Object value) {
    String key = keys[at];
    boolean last = at == keys.length - 1;
    if (node.isMap()) {
      ConfigNode child = node.map().get(key);
      if (last) {
        node.map().put(key, new ConfigNode(value, 0, 0));
        return null;
      }
      return child == null ? "no key " + key + " in the config" : set(child, keys, at + 1, value);
    }
    if (node.isList()) {
      int index;
      try {
        index = Integer.parseInt(key);
      } catch (NumberFormatException e) {
        return key + " is not a list index";
      }
      if (index < 0 || index >= node.list().size()) {
        return "index " + index + " is outside the list of " + node.list().size();
      }
      if (last) {
        node.list().set(index, new ConfigNode(value, 0, 0));
        return null;
      }
      return set(node.list().get(index), keys, at + 1, value);
    }
    return key + " is below a scalar value";
  }

  private static Object scalar(String text) {
    if (text.equals("null") || text.equals("~")) {
      return null;
    }
    if (text.equals("true") || text.equals("false")) {
      return Boolean.parseBoolean(text);
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      // not an integer
    }
    try {
      if (text.matches("[-+]?[0-9]*\\.[0-9]+([eE][-+]?[0-9]+)?")) {
        return Double.parseDouble(text);
      }
    } catch (NumberFormatException e) {
      // not a number
    }
    return text;
  }

  private static ConfigException single(String path, String message) {
    return new ConfigException(List.of(new Problem(path, 0, 0, message)));
  }
}
