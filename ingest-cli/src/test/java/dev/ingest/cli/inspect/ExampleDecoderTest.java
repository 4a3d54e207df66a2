package dev.ingest.cli.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.ingest.DType;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.TFRecordReader;
import dev.ingest.tfrecord.sample.SampleDatasets;
import dev.ingest.tfrecord.sample.SampleKind;
import io.netty.buffer.ByteBufUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;

/** The decoder against TensorFlow's generated {@code Example.parseFrom}, the reference. */
class ExampleDecoderTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(SampleKind.class)
  void agreesWithTensorFlowsProtosOnGeneratedRecords(SampleKind kind) throws IOException {
    SampleDatasets.write(kind, dir, 40, 1, Compression.NONE, 3);
    try (TFRecordReader reader = TFRecordReader.open(dir.resolve(SampleDatasets.shardName(0, 1)))) {
      while (reader.advance()) {
        byte[] bytes = ByteBufUtil.getBytes(
            reader.buffer(), reader.recordStart(), reader.recordLength());
        assertThat(comparable(ExampleDecoder.decode(ByteBuffer.wrap(bytes)).features()))
            .isEqualTo(reference(Example.parseFrom(bytes)));
      }
    }
  }

  @Test
  void followsProtobufsMergeRulesLikeParseFrom() throws IOException {
    // The Features message comes in two parts, which protobuf merges. "a" is first a FloatList,
    // then an unpacked Int64List: a later entry for a key replaces the earlier one. "b" is first
    // a BytesList, then a packed FloatList. An unknown varint field 9 between them is skipped.
    byte[] a = list(3, unpackedInt64s(5, -7));
    byte[] aFloats = list(2, packedFloats(1f));
    byte[] b1 = list(1, bytesValue("x"));
    byte[] b2 = list(2, packedFloats(2.5f, 3f));
    byte[] record = concat(
        field(1, concat(field(1, entry("a", aFloats)), field(1, entry("b", b1)))),
        new byte[] {(byte) (9 << 3), 42},
        field(1, concat(field(1, entry("a", a)), field(1, entry("b", b2)))));

    DecodedExample decoded = ExampleDecoder.decode(ByteBuffer.wrap(record));

    assertThat(comparable(decoded.features())).isEqualTo(reference(Example.parseFrom(record)));
    assertThat(decoded.features().get("a")).isEqualTo(new FeatureValues(DType.INT64, List.of(5L, -7L)));
    assertThat(decoded.features().get("b").values()).containsExactly(2.5f, 3f);
  }

  @Test
  void refusesWhatIsNotWireFormat() {
    byte[] cutShort = {0x0A, 10, 0x0A, 2};
    assertThatThrownBy(() -> ExampleDecoder.decode(ByteBuffer.wrap(cutShort)))
        .isInstanceOf(InvalidProtocolBufferException.class);
    assertThatThrownBy(() -> Example.parseFrom(cutShort))
        .isInstanceOf(InvalidProtocolBufferException.class);
  }

  /** What TensorFlow's classes say, in the form of {@link #comparable}. */
  private static Map<String, List<Object>> reference(Example example) {
    Map<String, FeatureValues> features = new TreeMap<>();
    example.getFeatures().getFeatureMap().forEach((name, feature) -> {
      FeatureValues values = switch (feature.getKindCase()) {
        case BYTES_LIST -> new FeatureValues(DType.BYTES, new ArrayList<>(
            feature.getBytesList().getValueList().stream().map(ByteString::toByteArray).toList()));
        case FLOAT_LIST -> new FeatureValues(DType.FLOAT32,
            new ArrayList<>(feature.getFloatList().getValueList()));
        case INT64_LIST -> new FeatureValues(DType.INT64,
            new ArrayList<>(feature.getInt64List().getValueList()));
        default -> null;
      };
      if (values != null) {
        features.put(name, values);
      }
    });
    return comparable(features);
  }

  /** Each feature as its type then its values, bytes as ByteStrings: equal when contents are. */
  private static Map<String, List<Object>> comparable(Map<String, FeatureValues> features) {
    Map<String, List<Object>> result = new TreeMap<>();
    features.forEach((name, values) -> {
      List<Object> flat = new ArrayList<>();
      flat.add(values.dtype());
      values.values().forEach(value ->
          flat.add(value instanceof byte[] bytes ? ByteString.copyFrom(bytes) : value));
      result.put(name, flat);
    });
    return result;
  }

  /** A Feature message holding one list: kind 1 bytes, 2 float, 3 int64. */
  private static byte[] list(int kind, byte[] values) throws IOException {
    return field(kind, values);
  }

  private static byte[] unpackedInt64s(long... values) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    for (long value : values) {
      out.writeInt64(1, value);
    }
    out.flush();
    return bytes.toByteArray();
  }

  private static byte[] packedFloats(float... values) throws IOException {
    ByteArrayOutputStream packed = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(packed);
    for (float value : values) {
      out.writeFloatNoTag(value);
    }
    out.flush();
    return field(1, packed.toByteArray());
  }

  private static byte[] bytesValue(String text) throws IOException {
    return field(1, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static byte[] entry(String key, byte[] feature) throws IOException {
    return concat(field(1, key.getBytes(java.nio.charset.StandardCharsets.UTF_8)), field(2, feature));
  }

  private static byte[] field(int number, byte[] payload) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeByteArray(number, payload);
    out.flush();
    return bytes.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      bytes.writeBytes(part);
    }
    return bytes.toByteArray();
  }
}
