package dev.ingest;

import java.util.Locale;

/** The value types a {@code tf.train.Example} feature can hold, with tf.data's names. */
public enum DType {
  /** {@code FloatList}: 4-byte IEEE 754 floats. */
  FLOAT32("float32", 'f', Float.BYTES),
  /** {@code Int64List}: 8-byte signed integers. */
  INT64("int64", 'i', Long.BYTES),
  /** {@code BytesList}: byte strings of any length. */
  BYTES("bytes", 'b', 0);

  private final String wireName;
  private final char code;
  private final int width;

  DType(String wireName, char code, int width) {
    this.wireName = wireName;
    this.code = code;
    this.width = width;
  }

  /** The name in YAML, JSON and the CLI: {@code float32}, {@code int64}, {@code bytes}. */
  public String wireName() {
    return wireName;
  }

  /** The one-byte code of the run digest's canonical form: {@code f}, {@code i}, {@code b}. */
  public char code() {
    return code;
  }

  /** Bytes per value for numeric types; 0 for {@link #BYTES}, whose values vary in length. */
  public int width() {
    return width;
  }

  /** The Java type of one value in specs (defaults, padding values): Float, Long or String. */
  public Class<?> javaType() {
    switch (this) {
      case FLOAT32:
        return Float.class;
      case INT64:
        return Long.class;
      default:
        return String.class;
    }
  }

  /** Parses {@code float32}, {@code int64} or {@code bytes} (also {@code float}, {@code string}). */
  public static DType parse(String text) {
    switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "float32":
      case "float":
        return FLOAT32;
      case "int64":
        return INT64;
      case "bytes":
      case "string":
        return BYTES;
      default:
        throw new IllegalArgumentException(
            "unknown dtype '" + text + "': expected float32, int64 or bytes");
    }
  }
}
