package dev.ingest.tfrecord.example;

import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds one {@code tf.train.Example} at a time and serializes it straight to the protobuf wire
 * format, without generated message classes. For tools and tests that write TFRecord files.
 *
 * <pre>
 *   Example      { Features features = 1; }
 *   Features     { map&lt;string, Feature&gt; feature = 1; }   // entry: key = 1, value = 2
 *   Feature      { oneof kind { BytesList bytes_list = 1; FloatList float_list = 2;
 *                               Int64List int64_list = 3; } }
 *   BytesList    { repeated bytes value = 1; }
 *   FloatList    { repeated float value = 1 [packed = true]; }
 *   Int64List    { repeated int64 value = 1 [packed = true]; }
 * </pre>
 *
 * <p>Use it fluently and reuse it:
 * {@code encoder.clear().putBytes("image", pixels).putInt64("label", 3).toByteArray()}. Features are written in the order they were put. A name may be put once per
 * example; putting it again is an {@link IllegalArgumentException}, since protobuf would silently
 * keep only the last value.
 *
 * <p>The {@code put} methods copy the caller's arrays, so the caller may reuse them at once.
 *
 * <p>An encoder is for one thread at a time (no internal synchronisation).
 */
public final class ExampleEncoder {
  private static final int FEATURES_FIELD = 1;
  private static final int MAP_ENTRY_FIELD = 1;
  private static final int ENTRY_KEY_FIELD = 1;
  private static final int ENTRY_VALUE_FIELD = 2;
  private static final int BYTES_LIST_FIELD = 1;
  private static final int FLOAT_LIST_FIELD = 2;
  private static final int INT64_LIST_FIELD = 3;
  private static final int VALUE_FIELD = 1;

  private final List<Entry> entries = new ArrayList<>();

  /** Forgets every feature, to start the next example. */
  public ExampleEncoder clear() {
    entries.clear();
    return this;
  }

  /** Number of features put since the last {@link #clear()}. */
  public int featureCount() {
    return entries.size();
  }

  /** A {@code bytes_list} feature with one value. */
  public ExampleEncoder putBytes(String name, byte[] value) {
    return putBytesList(name, List.of(value));
  }

  /** A {@code bytes_list} feature with the given values, in order. */
  public ExampleEncoder putBytesList(String name, List<byte[]> values) {
    byte[][] copies = new byte[values.size()][];
    for (int i = 0; i < copies.length; i++) {
      copies[i] = values.get(i).clone();
    }
    return add(name, new BytesValues(copies));
  }

  /** A {@code bytes_list} feature with one UTF-8 encoded string. */
  public ExampleEncoder putString(String name, String value) {
    return putBytes(name, value.getBytes(StandardCharsets.UTF_8));
  }

  /** A {@code float_list} feature with one value. */
  public ExampleEncoder putFloat(String name, float value) {
    return add(name, new FloatValues(new float[] {value}));
  }

  /** A {@code float_list} feature with the given values. */
  public ExampleEncoder putFloats(String name, float[] values) {
    return add(name, new FloatValues(values.clone()));
  }

  /** An {@code int64_list} feature with one value. */
  public ExampleEncoder putInt64(String name, long value) {
    return add(name, new Int64Values(new long[] {value}));
  }

  /** An {@code int64_list} feature with the given values. */
  public ExampleEncoder putInt64s(String name, long[] values) {
    return add(name, new Int64Values(values.clone()));
  }

  /** Size in bytes of the serialized example. */
  public int serializedSize() {
    int features = featuresSize();
    return CodedOutputStream.computeTagSize(FEATURES_FIELD)
        + CodedOutputStream.computeUInt32SizeNoTag(features)
        + features;
  }

  /** The serialized example in a new array. */
  public byte[] toByteArray() {
    byte[] out = new byte[serializedSize()];
    writeTo(out, 0);
    return out;
  }

  /**
   * Writes the serialized example into {@code target} from {@code offset} and returns the number
   * of bytes written ({@link #serializedSize()}).
   *
   * @throws IndexOutOfBoundsException if it does not fit
   */
  public int writeTo(byte[] target, int offset) {
    int size = serializedSize();
    Objects.checkFromIndexSize(offset, size, target.length);
    CodedOutputStream out = CodedOutputStream.newInstance(target, offset, size);
    try {
      out.writeTag(FEATURES_FIELD, 2);
      out.writeUInt32NoTag(featuresSize());
      for (Entry entry : entries) {
        out.writeTag(MAP_ENTRY_FIELD, 2);
        out.writeUInt32NoTag(entry.entrySize());
        out.writeTag(ENTRY_KEY_FIELD, 2);
        out.writeUInt32NoTag(entry.key.length);
        out.writeRawBytes(entry.key);
        out.writeTag(ENTRY_VALUE_FIELD, 2);
        out.writeUInt32NoTag(entry.featureSize());
        out.writeTag(entry.values.featureField(), 2);
        out.writeUInt32NoTag(entry.values.listSize());
        entry.values.writeList(out);
      }
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      // Only an array that is too small fails, and its size was checked above.
      throw new UncheckedIOException(e);
    }
    return size;
  }

  private ExampleEncoder add(String name, Values values) {
    Objects.requireNonNull(name, "name");
    for (Entry entry : entries) {
      if (entry.name.equals(name)) {
        throw new IllegalArgumentException("feature '" + name + "' is already in this example");
      }
    }
    entries.add(new Entry(name, values));
    return this;
  }

  private int featuresSize() {
    int size = 0;
    for (Entry entry : entries) {
      int entrySize = entry.entrySize();
      size += CodedOutputStream.computeTagSize(MAP_ENTRY_FIELD)
          + CodedOutputStream.computeUInt32SizeNoTag(entrySize)
          + entrySize;
    }
    return size;
  }

  private static int lengthDelimitedSize(int field, int length) {
    return CodedOutputStream.computeTagSize(field)
        + CodedOutputStream.computeUInt32SizeNoTag(length)
        + length;
  }

  private static final class Entry {
    final String name;
    final byte[] key;
    final Values values;

    Entry(String name, Values values) {
      this.name = name;
      this.key = name.getBytes(StandardCharsets.UTF_8);
      this.values = values;
    }

    int featureSize() {
      return lengthDelimitedSize(values.featureField(), values.listSize());
    }

    int entrySize() {
      return lengthDelimitedSize(ENTRY_KEY_FIELD, key.length)
          + lengthDelimitedSize(ENTRY_VALUE_FIELD, featureSize());
    }
  }

  /** The values of one feature: which {@code Feature} field holds them and its list message. */
  private interface Values {
    int featureField();

    int listSize();

    void writeList(CodedOutputStream out) throws IOException;
  }

  private record BytesValues(byte[][] values) implements Values {
    @Override
    public int featureField() {
      return BYTES_LIST_FIELD;
    }

    @Override
    public int listSize() {
      int size = 0;
      for (byte[] value : values) {
        size += lengthDelimitedSize(VALUE_FIELD, value.length);
      }
      return size;
    }

    @Override
    public void writeList(CodedOutputStream out) throws IOException {
      for (byte[] value : values) {
        out.writeByteArray(VALUE_FIELD, value);
      }
    }
  }

  private record FloatValues(float[] values) implements Values {
    @Override
    public int featureField() {
      return FLOAT_LIST_FIELD;
    }

    @Override
    public int listSize() {
      // proto3 writes nothing for an empty packed field.
      return values.length == 0 ? 0 : lengthDelimitedSize(VALUE_FIELD, packedSize());
    }

    private int packedSize() {
      return values.length * Float.BYTES;
    }

    @Override
    public void writeList(CodedOutputStream out) throws IOException {
      if (values.length == 0) {
        return;
      }
      out.writeTag(VALUE_FIELD, 2);
      out.writeUInt32NoTag(packedSize());
      for (float value : values) {
        out.writeFloatNoTag(value);
      }
    }
  }

  private record Int64Values(long[] values) implements Values {
    @Override
    public int featureField() {
      return INT64_LIST_FIELD;
    }

    @Override
    public int listSize() {
      return values.length == 0 ? 0 : lengthDelimitedSize(VALUE_FIELD, packedSize());
    }

    private int packedSize() {
      int size = 0;
      for (long value : values) {
        size += CodedOutputStream.computeInt64SizeNoTag(value);
      }
      return size;
    }

    @Override
    public void writeList(CodedOutputStream out) throws IOException {
      if (values.length == 0) {
        return;
      }
      out.writeTag(VALUE_FIELD, 2);
      out.writeUInt32NoTag(packedSize());
      for (long value : values) {
        out.writeInt64NoTag(value);
      }
    }
  }
}
