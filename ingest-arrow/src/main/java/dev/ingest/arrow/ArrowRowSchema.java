package dev.ingest.arrow;

import dev.ingest.DType;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Arrow schema of a row file, and the {@link ExampleSpec} it was made from.
 *
 * <pre>
 *   feature (ascending name)     Arrow type                        metadata kept beside it
 *   int64   []                   Int(64, signed)                   ingest.shape  "[]"
 *   float32 [2, 3]               FixedSizeList(6) of FloatingPoint ingest.shape  "[2, 3]"
 *   bytes   var_len              List of Binary                    ingest.var_len "true"
 *   ...then the origin of each row:
 *   _source_file                 Int(32, signed)
 *   _record                      Int(64, signed)
 *   _offset                      Int(64, signed)
 * </pre>
 *
 * Arrow's types cannot say a fixed shape of more than one dimension, a scalar from a one-value
 * list, or a default value, so every feature field carries {@code ingest.dtype}, {@code
 * ingest.shape}, {@code ingest.var_len} and, when it has one, {@code ingest.default} (see {@link
 * DefaultValues}): {@link #features(Schema)} gives back a spec equal to the one written. Every
 * field is non-nullable: the writer never writes a null, and readers such as pyarrow see that.
 *
 * <p>Immutable; all static.
 */
public final class ArrowRowSchema {
  /** Row {@code r}'s source file: its index in the cache's list of source files. */
  public static final String SOURCE_FILE = "_source_file";
  /** Row {@code r}'s record: its index in its source file. */
  public static final String RECORD = "_record";
  /** Row {@code r}'s record's byte offset in its (decompressed) source file. */
  public static final String OFFSET = "_offset";

  /** The schema-level key whose value says which layout of rows this file has. */
  public static final String LAYOUT_KEY = "ingest.row_file";
  /** This layout's value for {@link #LAYOUT_KEY}; a new layout gets a new value. */
  public static final String LAYOUT = "1";

  static final String DTYPE_KEY = "ingest.dtype";
  static final String SHAPE_KEY = "ingest.shape";
  static final String VAR_LEN_KEY = "ingest.var_len";
  static final String DEFAULT_KEY = "ingest.default";

  /** The name Arrow's writers (pyarrow's included) give a list's element field. */
  private static final String ELEMENT = "item";

  private static final Set<String> ORIGINS = Set.of(SOURCE_FILE, RECORD, OFFSET);
  private static final ArrowType INT32 = new ArrowType.Int(32, true);
  private static final ArrowType INT64 = new ArrowType.Int(64, true);
  private static final ArrowType FLOAT32 = new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);

  private ArrowRowSchema() {}

  /**
   * The schema of a file of rows of {@code spec}: its features in the spec's (ascending) order,
   * then the three origin columns.
   *
   * @throws IllegalArgumentException if a feature is named like an origin column
   */
  public static Schema of(ExampleSpec spec) {
    List<Field> fields = new ArrayList<>();
    for (FeatureSpec feature : spec.features()) {
      if (ORIGINS.contains(feature.name())) {
        throw new IllegalArgumentException("feature '" + feature.name()
            + "' has the name of a row cache file's origin column (" + SOURCE_FILE + ", "
            + RECORD + ", " + OFFSET + "); rename it to cache its rows in a file");
      }
      fields.add(field(feature));
    }
    fields.add(Field.notNullable(SOURCE_FILE, INT32));
    fields.add(Field.notNullable(RECORD, INT64));
    fields.add(Field.notNullable(OFFSET, INT64));
    return new Schema(fields, Map.of(LAYOUT_KEY, LAYOUT));
  }

  /**
   * The spec a file of this schema was written for.
   *
   * @throws IllegalArgumentException naming what is missing or inconsistent, if the schema is
   *     not one {@link #of(ExampleSpec)} makes
   */
  public static ExampleSpec features(Schema schema) {
    String layout = schema.getCustomMetadata().get(LAYOUT_KEY);
    if (!LAYOUT.equals(layout)) {
      throw new IllegalArgumentException("the schema has no '" + LAYOUT_KEY + "': " + LAYOUT
          + " (found " + layout + "): not a row cache file");
    }
    List<Field> fields = schema.getFields();
    int featureCount = fields.size() - ORIGINS.size();
    if (featureCount < 1) {
      throw new IllegalArgumentException("the schema has " + fields.size()
          + " fields; a row cache file has its features, then " + SOURCE_FILE + ", " + RECORD
          + ", " + OFFSET);
    }
    requireOrigin(fields.get(featureCount), SOURCE_FILE, INT32);
    requireOrigin(fields.get(featureCount + 1), RECORD, INT64);
    requireOrigin(fields.get(featureCount + 2), OFFSET, INT64);
    List<FeatureSpec> features = new ArrayList<>();
    for (Field field : fields.subList(0, featureCount)) {
      FeatureSpec feature = feature(field);
      Field expected = field(feature);
      if (!sameTypes(field, expected)) {
        throw new IllegalArgumentException("field '" + field.getName() + "' is " + field
            + ", but its metadata says " + expected);
      }
      features.add(feature);
    }
    return new ExampleSpec(features);
  }

  /** Same Arrow types, children included; names and nullability aside. */
  private static boolean sameTypes(Field actual, Field expected) {
    if (!actual.getType().equals(expected.getType())
        || actual.getChildren().size() != expected.getChildren().size()) {
      return false;
    }
    for (int i = 0; i < actual.getChildren().size(); i++) {
      if (!sameTypes(actual.getChildren().get(i), expected.getChildren().get(i))) {
        return false;
      }
    }
    return true;
  }

  private static void requireOrigin(Field field, String name, ArrowType type) {
    if (!field.getName().equals(name) || !field.getType().equals(type)) {
      throw new IllegalArgumentException("the schema has '" + field.getName() + "' ("
          + field.getType() + ") where a row cache file has its origin column '" + name + "' ("
          + type + ")");
    }
  }

  private static Field field(FeatureSpec feature) {
    Map<String, String> metadata = new HashMap<>();
    metadata.put(DTYPE_KEY, feature.dtype().wireName());
    metadata.put(SHAPE_KEY, feature.shape().toString());
    metadata.put(VAR_LEN_KEY, Boolean.toString(feature.varLen()));
    if (feature.defaultValue() != null) {
      metadata.put(DEFAULT_KEY, DefaultValues.write(feature.dtype(), feature.defaultValue()));
    }
    Field element = Field.notNullable(ELEMENT, primitive(feature.dtype()));
    if (feature.varLen()) {
      return new Field(feature.name(),
          new FieldType(false, ArrowType.List.INSTANCE, null, metadata), List.of(element));
    }
    if (feature.shape().isEmpty()) {
      return new Field(feature.name(),
          new FieldType(false, primitive(feature.dtype()), null, metadata), null);
    }
    return new Field(feature.name(),
        new FieldType(false, new ArrowType.FixedSizeList(feature.elementCount()), null, metadata),
        List.of(element));
  }

  private static FeatureSpec feature(Field field) {
    Map<String, String> metadata = field.getMetadata();
    String name = field.getName();
    DType dtype = DType.parse(required(metadata, DTYPE_KEY, name));
    List<Integer> shape = shape(required(metadata, SHAPE_KEY, name), name);
    boolean varLen = Boolean.parseBoolean(required(metadata, VAR_LEN_KEY, name));
    String defaults = metadata.get(DEFAULT_KEY);
    return new FeatureSpec(name, dtype, shape, varLen,
        defaults == null ? null : DefaultValues.read(dtype, defaults));
  }

  /** The Arrow type of one value of {@code dtype}. */
  static ArrowType primitive(DType dtype) {
    switch (dtype) {
      case INT64:
        return INT64;
      case FLOAT32:
        return FLOAT32;
      default:
        return ArrowType.Binary.INSTANCE;
    }
  }

  private static String required(Map<String, String> metadata, String key, String field) {
    String value = metadata.get(key);
    if (value == null) {
      throw new IllegalArgumentException(
          "field '" + field + "' has no '" + key + "' in its metadata: not a row cache feature");
    }
    return value;
  }

  /** Parses {@link List#toString()} of integers: {@code []}, {@code [3]}, {@code [2, 3]}. */
  private static List<Integer> shape(String text, String field) {
    String trimmed = text.trim();
    if (!trimmed.startsWith("[") || !trimmed.endsWith("]")) {
      throw new IllegalArgumentException(
          "field '" + field + "': '" + SHAPE_KEY + "' is '" + text + "', not a list like [2, 3]");
    }
    String inside = trimmed.substring(1, trimmed.length() - 1).trim();
    List<Integer> shape = new ArrayList<>();
    if (inside.isEmpty()) {
      return shape;
    }
    for (String dimension : inside.split(",")) {
      try {
        shape.add(Integer.parseInt(dimension.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "field '" + field + "': '" + SHAPE_KEY + "' is '" + text + "', not a list like [2, 3]", e);
      }
    }
    return shape;
  }
}
