package dev.ingest.arrow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.ingest.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * A feature's default values as the JSON array a field's {@code ingest.default} metadata holds:
 * {@code [0]}, {@code [0.5, 1.0]}, {@code ["unknown"]}. JSON so that pyarrow or DuckDB users can
 * read it as it is. Floats are written as {@link Float#toString(float)} (the shortest decimal that
 * reads back as the same float) and read straight from that decimal to a float, never through a
 * double, which could round twice. NaN and the infinities, which JSON numbers cannot be, and
 * negative zero, which a decimal read loses, are written as strings: {@code "NaN"}, {@code
 * "Infinity"}, {@code "-Infinity"}, {@code "-0.0"}.
 *
 * <p>Thread-safe (Jackson's mapper is, once configured).
 */
final class DefaultValues {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private DefaultValues() {}

  /** {@code values} (Longs, Floats or Strings, as {@code dtype} says) as a JSON array. */
  static String write(DType dtype, List<?> values) {
    ArrayNode array = JSON.createArrayNode();
    for (Object value : values) {
      switch (dtype) {
        case INT64:
          array.add((Long) value);
          break;
        case FLOAT32:
          float number = (Float) value;
          if (Float.isFinite(number) && !isNegativeZero(number)) {
            array.add(new java.math.BigDecimal(Float.toString(number)));
          } else {
            array.add(Float.toString(number));
          }
          break;
        default:
          array.add((String) value);
      }
    }
    return array.toString();
  }

  /**
   * The values {@link #write} wrote.
   *
   * @throws IllegalArgumentException if {@code json} is not an array of {@code dtype}'s values
   */
  static List<Object> read(DType dtype, String json) {
    JsonNode array;
    try {
      array = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("default '" + json + "' is not JSON", e);
    }
    if (array == null || !array.isArray()) {
      throw new IllegalArgumentException("default '" + json + "' is not a JSON array");
    }
    List<Object> values = new ArrayList<>();
    for (JsonNode value : array) {
      values.add(value(dtype, value, json));
    }
    return values;
  }

  private static boolean isNegativeZero(float number) {
    return Float.floatToRawIntBits(number) == Float.floatToRawIntBits(-0.0f);
  }

  private static Object value(DType dtype, JsonNode value, String json) {
    switch (dtype) {
      case INT64:
        if (value.isIntegralNumber() && value.canConvertToLong()) {
          return value.longValue();
        }
        break;
      case FLOAT32:
        if (value.isNumber() || value.isTextual()) {
          try {
            return Float.parseFloat(value.isNumber() ? value.decimalValue().toString() : value.textValue());
          } catch (NumberFormatException e) {
            break;
          }
        }
        break;
      default:
        if (value.isTextual()) {
          return value.textValue();
        }
    }
    throw new IllegalArgumentException(
        "default '" + json + "' holds " + value + ", which is not a " + dtype.wireName());
  }
}
