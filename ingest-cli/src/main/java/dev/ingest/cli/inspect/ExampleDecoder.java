package dev.ingest.cli.inspect;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.ingest.DType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Decodes a serialized {@code tf.train.Example} without knowing its features in advance, which
 * is what {@code ingest inspect} needs and what the engine's spec-driven {@code ExampleParser}
 * deliberately does not do. It reads the wire format with protobuf-java's {@link
 * CodedInputStream} rather than TensorFlow's generated classes, so the CLI does not carry
 * TensorFlow's native jar.
 *
 * <pre>
 *   Example  { Features features = 1; }
 *   Features { map&lt;string, Feature&gt; feature = 1; }
 *   Feature  { oneof kind { BytesList bytes_list = 1; FloatList float_list = 2;
 *                           Int64List int64_list = 3; } }
 *   *List    { repeated T value = 1; }   // numbers packed or not, both accepted
 * </pre>
 *
 * <p>It follows protobuf's parsing rules, so it agrees with {@code Example.parseFrom}: unknown
 * fields (and known fields of an unexpected wire type) are skipped, a message field that appears
 * twice is merged, a later map entry for the same key replaces the earlier one, and within a
 * {@code Feature} the last list kind on the wire wins. A {@code Feature} with no list at all has
 * no type to report and is left out, as if the record did not hold it.
 *
 * <p>Stateless and thread-safe.
 */
public final class ExampleDecoder {
  private static final int BYTES_LIST = 1;
  private static final int FLOAT_LIST = 2;
  private static final int INT64_LIST = 3;

  private ExampleDecoder() {}

  /**
   * Decodes the readable bytes of {@code record} (its position and limit are left as they were).
   * Bytes values are copied, so the result stays valid after the record's buffer is reused.
   *
   * @throws InvalidProtocolBufferException if the bytes are not valid protobuf wire format
   */
  public static DecodedExample decode(ByteBuffer record) throws InvalidProtocolBufferException {
    try {
      CodedInputStream in = CodedInputStream.newInstance(record.duplicate());
      SortedMap<String, FeatureValues> features = new TreeMap<>();
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == lengthDelimited(1)) {
          int limit = in.pushLimit(in.readRawVarint32());
          readFeatures(in, features);
          in.popLimit(limit);
        } else {
          in.skipField(tag);
        }
      }
      return new DecodedExample(features);
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      // CodedInputStream over a ByteBuffer reports bad input only as the subclass above.
      throw new InvalidProtocolBufferException(e);
    }
  }

  private static void readFeatures(CodedInputStream in, Map<String, FeatureValues> features)
      throws IOException {
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag != lengthDelimited(1)) {
        in.skipField(tag);
        continue;
      }
      int limit = in.pushLimit(in.readRawVarint32());
      String name = "";
      FeatureValues value = null;
      for (int entryTag = in.readTag(); entryTag != 0; entryTag = in.readTag()) {
        if (entryTag == lengthDelimited(1)) {
          name = in.readStringRequireUtf8();
        } else if (entryTag == lengthDelimited(2)) {
          int featureLimit = in.pushLimit(in.readRawVarint32());
          value = readFeature(in, value);
          in.popLimit(featureLimit);
        } else {
          in.skipField(entryTag);
        }
      }
      in.popLimit(limit);
      if (value == null) {
        features.remove(name);
      } else {
        features.put(name, value);
      }
    }
  }

  /** Reads one Feature message, merged onto {@code earlier} (a repeated map value is merged). */
  private static FeatureValues readFeature(CodedInputStream in, FeatureValues earlier)
      throws IOException {
    DType dtype = earlier == null ? null : earlier.dtype();
    List<Object> values = earlier == null ? new ArrayList<>() : new ArrayList<>(earlier.values());
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int field = tag >>> 3;
      DType kind = field == BYTES_LIST ? DType.BYTES
          : field == FLOAT_LIST ? DType.FLOAT32
          : field == INT64_LIST ? DType.INT64 : null;
      if (kind == null || (tag & 7) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        in.skipField(tag);
        continue;
      }
      if (kind != dtype) {
        // Another member of the oneof replaces the one read so far.
        dtype = kind;
        values.clear();
      }
      int limit = in.pushLimit(in.readRawVarint32());
      readList(in, kind, values);
      in.popLimit(limit);
    }
    return dtype == null ? null : new FeatureValues(dtype, values);
  }

  private static void readList(CodedInputStream in, DType kind, List<Object> values)
      throws IOException {
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag >>> 3 != 1) {
        in.skipField(tag);
        continue;
      }
      int wireType = tag & 7;
      switch (kind) {
        case BYTES -> {
          if (wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            values.add(in.readByteArray());
          } else {
            in.skipField(tag);
          }
        }
        case FLOAT32 -> {
          if (wireType == WireFormat.WIRETYPE_FIXED32) {
            values.add(in.readFloat());
          } else if (wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int limit = in.pushLimit(in.readRawVarint32());
            while (in.getBytesUntilLimit() > 0) {
              values.add(in.readFloat());
            }
            in.popLimit(limit);
          } else {
            in.skipField(tag);
          }
        }
        default -> {
          if (wireType == WireFormat.WIRETYPE_VARINT) {
            values.add(in.readInt64());
          } else if (wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int limit = in.pushLimit(in.readRawVarint32());
            while (in.getBytesUntilLimit() > 0) {
              values.add(in.readInt64());
            }
            in.popLimit(limit);
          } else {
            in.skipField(tag);
          }
        }
      }
    }
  }

  /** A tag as on the wire: the field number shifted past the three bits of the wire type. */
  private static int lengthDelimited(int field) {
    return field << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  }
}
