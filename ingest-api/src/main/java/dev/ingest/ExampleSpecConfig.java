package dev.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds an {@link ExampleSpec} from the {@code features} mapping of a pipeline's {@code
 * parse_example} stage, as a YAML or JSON reader hands it over (maps, lists, strings, numbers,
 * booleans):
 *
 * <pre>
 *   features:
 *     image:  {type: bytes}
 *     label:  {type: int64, shape: [], default: 0}
 *     x:      {type: float32, shape: [32]}
 *     tokens: {type: int64, var_len: true}
 * </pre>
 *
 * Errors are {@link IllegalArgumentException}s whose message starts with the path of the
 * offending key ({@code features.label.default: ...}), so a config loader can point at the line.
 */
public final class ExampleSpecConfig {
  private static final Set<String> KEYS = Set.of("type", "shape", "default", "var_len");

  private ExampleSpecConfig() {}

  /** The spec the {@code features} mapping describes. */
  public static ExampleSpec fromConfig(Map<String, ?> features) {
    if (features == null || features.isEmpty()) {
      throw new IllegalArgumentException("features: parse_example needs at least one feature");
    }
    List<FeatureSpec> specs = new ArrayList<>();
    features.forEach((name, value) -> specs.add(feature(name, value)));
    return new ExampleSpec(specs);
  }

  private static FeatureSpec feature(String name, Object value) {
    String path = "features." + name;
    if (!(value instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(path + ": expected a mapping with type, shape, default, var_len");
    }
    for (Object key : map.keySet()) {
      if (!KEYS.contains(String.valueOf(key))) {
        throw new IllegalArgumentException(
            path + "." + key + ": unknown key; expected one of type, shape, default, var_len");
      }
    }
    Object type = map.get("type");
    if (!(type instanceof String typeName)) {
      throw new IllegalArgumentException(path + ".type: required: float32, int64 or bytes");
    }
    DType dtype;
    try {
      dtype = DType.parse(typeName);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(path + ".type: " + e.getMessage(), e);
    }
    Object varLen = map.containsKey("var_len") ? map.get("var_len") : Boolean.FALSE;
    if (!(varLen instanceof Boolean)) {
      throw new IllegalArgumentException(path + ".var_len: expected true or false, got " + varLen);
    }
    List<Integer> shape = shape(path, map.get("shape"));
    List<Object> defaults = map.containsKey("default") ? defaults(path, dtype, map.get("default")) : null;
    try {
      return new FeatureSpec(name, dtype, shape, (Boolean) varLen, defaults);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
    }
  }

  private static List<Integer> shape(String path, Object shape) {
    if (shape == null) {
      return List.of();
    }
    if (!(shape instanceof List<?> dimensions)) {
      throw new IllegalArgumentException(path + ".shape: expected a list of sizes such as [32]");
    }
    List<Integer> sizes = new ArrayList<>();
    for (Object dimension : dimensions) {
      if (!(dimension instanceof Integer size) || size < 0) {
        throw new IllegalArgumentException(
            path + ".shape: sizes must be whole numbers of at least 0, got " + dimension);
      }
      sizes.add(size);
    }
    return sizes;
  }

  private static List<Object> defaults(String path, DType dtype, Object value) {
    List<?> values = value instanceof List<?> list ? list : List.of(value);
    List<Object> converted = new ArrayList<>();
    for (Object one : values) {
      converted.add(convert(path + ".default", dtype, one));
    }
    return converted;
  }

  private static Object convert(String path, DType dtype, Object value) {
    switch (dtype) {
      case FLOAT32:
        if (value instanceof Number number) {
          return number.floatValue();
        }
        break;
      case INT64:
        if (value instanceof Integer || value instanceof Long) {
          return ((Number) value).longValue();
        }
        break;
      default:
        if (value instanceof String) {
          return value;
        }
    }
    throw new IllegalArgumentException(path + ": " + value + " is not a " + dtype.wireName());
  }
}
