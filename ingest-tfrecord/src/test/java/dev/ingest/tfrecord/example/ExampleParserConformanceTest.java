package dev.ingest.tfrecord.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.ingest.DType;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import dev.ingest.InvalidExampleException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.proto.BytesList;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.FloatList;
import org.tensorflow.proto.Int64List;

/**
 * Our parser against TensorFlow's own {@code ParseExampleV2} kernel ({@link
 * TensorFlowParseExample}): the same records and spec must give the same dense values, ragged
 * values and row splits, byte for byte, and the same records must be rejected.
 */
class ExampleParserConformanceTest {
  private static final ExampleSpec SPEC = ExampleSpec.of(
      FeatureSpec.fixed("x", DType.FLOAT32, 3),
      FeatureSpec.fixed("label", DType.INT64),
      FeatureSpec.fixed("image", DType.BYTES),
      FeatureSpec.fixed("opt", DType.INT64, 2).withDefault(-1L, -2L),
      FeatureSpec.fixed("scale", DType.FLOAT32).withDefault(0.5f),
      FeatureSpec.fixed("tag", DType.BYTES).withDefault("none"),
      FeatureSpec.fixed("pair", DType.BYTES, 2).withDefault("p", "q"),
      FeatureSpec.varLen("tokens", DType.INT64),
      FeatureSpec.varLen("weights", DType.FLOAT32),
      FeatureSpec.varLen("words", DType.BYTES));

  @Test
  void fixedDefaultedAndVarLenFeaturesMatchTensorFlow() {
    List<byte[]> records = serialize(
        example(floats("x", 1f, 2f, 3f), longs("label", 7), bytes("image", "cat"),
            longs("opt", 10, 11), floats("scale", 2f), bytes("tag", "t0"), bytes("pair", "a", "b"),
            longs("tokens", 5, -1, 300), floats("weights", 0.25f, -0f), bytes("words", "w", "")),
        example(floats("x", 4f, 5f, 6f), longs("label", -2), bytes("image", ""),
            floats("weights"), bytes("words", "日本", "é")),
        example(floats("x", Float.NaN, Float.MAX_VALUE, Float.MIN_VALUE), longs("label", Long.MIN_VALUE),
            rawBytes("image", new byte[] {0, (byte) 0xff}), longs("opt", 12, 13), bytes("tag", ""),
            longs("tokens", Long.MIN_VALUE, Long.MAX_VALUE), bytes("words")),
        example(floats("x", -1f, -2f, -3f), longs("label", Long.MAX_VALUE), bytes("image", "dog"),
            floats("unlisted", 1f), bytes("another", "z"), longs("tokens", 1), floats("scale", -4f)));

    ParseOutcome tensorflow = TensorFlowParseExample.parse(SPEC, records);
    assertThat(parse(SPEC, records)).isEqualTo(tensorflow);

    // What TensorFlow said, spelled out, so that both agreeing on nonsense would still fail.
    Map<String, List<List<Object>>> columns = tensorflow.columns();
    assertThat(columns.get("opt")).containsExactly(
        List.of(10L, 11L), List.of(-1L, -2L), List.of(12L, 13L), List.of(-1L, -2L));
    assertThat(columns.get("tag")).containsExactly(
        List.of(utf8("t0")), List.of(utf8("none")), List.of(utf8("")), List.of(utf8("none")));
    assertThat(columns.get("pair")).containsExactly(List.of(utf8("a"), utf8("b")),
        List.of(utf8("p"), utf8("q")), List.of(utf8("p"), utf8("q")), List.of(utf8("p"), utf8("q")));
    assertThat(columns.get("scale")).containsExactly(List.of(bits(2f)), List.of(bits(0.5f)),
        List.of(bits(0.5f)), List.of(bits(-4f)));
    assertThat(columns.get("tokens")).containsExactly(List.of(5L, -1L, 300L), List.of(),
        List.of(Long.MIN_VALUE, Long.MAX_VALUE), List.of(1L));
    assertThat(columns.get("words")).containsExactly(List.of(utf8("w"), utf8("")),
        List.of(utf8("日本"), utf8("é")), List.of(), List.of());
  }

  @Test
  void recordsTensorFlowRejectsAreRejected() {
    List<Example> bad = List.of(
        example(longs("label", 1), bytes("image", "i")),
        example(floats("x", 1f, 2f), longs("label", 1), bytes("image", "i")),
        example(floats("x", 1f, 2f, 3f), floats("label", 1f), bytes("image", "i")),
        example(floats("x", 1f, 2f, 3f), longs("label", 1), bytes("image", "i"), floats("tokens", 1f)));
    for (Example example : bad) {
      List<byte[]> records = List.of(example.toByteArray());
      assertThatThrownBy(() -> TensorFlowParseExample.parse(SPEC, records))
          .as("%s", example).isInstanceOf(TFInvalidArgumentException.class);
      assertThat(parse(SPEC, records).failure()).as("%s", example).isNotNull();
    }
  }

  // ---- edge cases: what TensorFlow does, and that we do the same --------------------------

  private static final ExampleSpec DEFAULTED = ExampleSpec.of(
      FeatureSpec.fixed("opt", DType.INT64, 2).withDefault(-1L, -2L),
      FeatureSpec.fixed("one", DType.FLOAT32).withDefault(0.5f),
      FeatureSpec.fixed("tag", DType.BYTES).withDefault("none"));

  @Test
  void anEmptyListIsNotAMissingFeatureEvenWithADefault() {
    // (a) kind set, zero values: TensorFlow counts the values (0) against the shape and fails;
    // the default is only for a feature that is not there.
    for (String name : List.of("opt", "one", "tag")) {
      int kind = name.equals("opt") ? 3 : name.equals("one") ? 2 : 1;
      // Every feature present, then an entry with the empty list replacing one of them.
      byte[] record = wireExample(present("opt"), present("one"), present("tag"),
          wireEntry(name, RandomWire.field(kind, new byte[0])));
      assertThat(tensorflow(DEFAULTED, record)).as(name).asString()
          .contains("Key: " + name).contains("values != expected.  Values size: 0");
      assertThat(ours(DEFAULTED, record)).as(name).isEqualTo(Failed.of(name, Reason.WRONG_COUNT));
    }
  }

  @Test
  void aFeatureWithNoListTakesTheDefaultOrIsMissing() {
    // (b) Feature {} (no kind set) under the key: TensorFlow treats it as absent.
    byte[] record = wireExample(wireEntry("opt", new byte[0]), wireEntry("one", new byte[0]),
        wireEntry("tag", new byte[0]));
    ParseOutcome tensorflow = TensorFlowParseExample.parse(DEFAULTED, List.of(record));
    assertThat(tensorflow.columns()).containsExactly(
        Map.entry("one", List.of(List.of(bits(0.5f)))),
        Map.entry("opt", List.of(List.of(-1L, -2L))),
        Map.entry("tag", List.of(List.of(utf8("none")))));
    assertThat(parse(DEFAULTED, List.of(record))).isEqualTo(tensorflow);

    ExampleSpec required = ExampleSpec.of(FeatureSpec.fixed("opt", DType.INT64, 2));
    byte[] noList = wireExample(wireEntry("opt", new byte[0]));
    assertThat(tensorflow(required, noList)).asString()
        .contains("Feature: opt (data type: int64) is required but could not be found");
    assertThat(ours(required, noList)).isEqualTo(Failed.of("opt", Reason.MISSING));
  }

  @Test
  void bytesDefaultsFillLikeTensorFlow() {
    // (c) fixed bytes features with a default, one broadcast and one per element.
    ExampleSpec spec = ExampleSpec.of(FeatureSpec.fixed("tag", DType.BYTES).withDefault("none"),
        FeatureSpec.fixed("pair", DType.BYTES, 2).withDefault("p", "日本"),
        FeatureSpec.fixed("empty", DType.BYTES, 3).withDefault(""));
    List<byte[]> records = serialize(example(longs("other", 1)),
        example(bytes("tag", "t"), bytes("pair", "a", ""), bytes("empty", "x", "y", "z")));
    ParseOutcome tensorflow = TensorFlowParseExample.parse(spec, records);
    assertThat(tensorflow.columns()).containsExactly(
        Map.entry("empty", List.of(List.of(utf8(""), utf8(""), utf8("")),
            List.of(utf8("x"), utf8("y"), utf8("z")))),
        Map.entry("pair", List.of(List.of(utf8("p"), utf8("日本")), List.of(utf8("a"), utf8("")))),
        Map.entry("tag", List.of(List.of(utf8("none")), List.of(utf8("t")))));
    assertThat(parse(spec, records)).isEqualTo(tensorflow);
  }

  @Test
  void mergeRulesTensorFlowFollowsToo() {
    ExampleSpec spec = ExampleSpec.of(FeatureSpec.varLen("v", DType.INT64));
    Map<String, byte[]> cases = Map.of(
        "concatenated Examples, later key replaces",
        RandomWire.concat(List.of(wireExample(wireEntry("v", int64s(1))),
            wireExample(wireEntry("v", int64s(2))))),
        "same key twice in one map",
        wireExample(wireEntry("v", int64s(1)), wireEntry("v", int64s(2))),
        "value before key",
        wireExample(RandomWire.concat(List.of(RandomWire.field(2, int64s(2)),
            RandomWire.field(1, utf8("v").toByteArray())))),
        "unknown field in the Example",
        RandomWire.concat(List.of(new byte[] {0x10, 0x01}, wireExample(wireEntry("v", int64s(2))))),
        "key that is not UTF-8 (a feature we do not want)",
        wireExample(wireEntry("v", int64s(2)), wireEntry("\ufffd", int64s(9))));
    cases.forEach((name, record) -> {
      assertThat(tensorflow(spec, record)).as(name).isEqualTo(List.of(2L));
      assertThat(ours(spec, record)).as(name).isEqualTo(List.of(2L));
    });
  }

  /**
   * Encodings that protobuf parses one way and TensorFlow's fast parser another. We follow
   * protobuf ({@code Example.parseFrom} agrees, see the differential properties). Serializers
   * never write these, so TensorFlow and we agree on every record a protobuf library wrote.
   */
  @Test
  void encodingsWhereTensorFlowDepartsFromProtobuf() {
    ExampleSpec spec = ExampleSpec.of(FeatureSpec.varLen("v", DType.INT64));
    // TensorFlow reads only the first list of a Feature: a second list of the same kind is
    // dropped, a later kind does not replace the first.
    byte[] twoLists = wireExample(wireEntry("v", RandomWire.concat(List.of(int64s(1), int64s(2, 3)))));
    assertThat(tensorflow(spec, twoLists)).isEqualTo(List.of(1L));
    assertThat(ours(spec, twoLists)).isEqualTo(List.of(1L, 2L, 3L));
    byte[] floatThenInt = wireExample(wireEntry("v", RandomWire.concat(List.of(floats32(1f), int64s(2)))));
    assertThat(tensorflow(spec, floatThenInt)).asString().contains("Data types don't match");
    assertThat(ours(spec, floatThenInt)).isEqualTo(List.of(2L));
    byte[] intThenFloat = wireExample(wireEntry("v", RandomWire.concat(List.of(int64s(2), floats32(1f)))));
    assertThat(tensorflow(spec, intThenFloat)).isEqualTo(List.of(2L));
    assertThat(ours(spec, intThenFloat)).isEqualTo(Failed.of("v", Reason.WRONG_DTYPE));
    // Unpacked values after a packed run in one Int64List: TensorFlow drops them.
    byte[] mixed = wireExample(wireEntry("v",
        RandomWire.field(3, new byte[] {0x0a, 0x02, 0x01, 0x02, 0x08, 0x03})));
    assertThat(tensorflow(spec, mixed)).isEqualTo(List.of(1L, 2L));
    assertThat(ours(spec, mixed)).isEqualTo(List.of(1L, 2L, 3L));
    // TensorFlow rejects unknown fields in a map entry or a Feature, a key with no value, and a
    // value split over two fields; protobuf skips, defaults and merges them.
    Map<String, byte[]> rejected = Map.of(
        "unknown field in a map entry", wireExample(RandomWire.concat(List.of(
            wireEntry("v", int64s(4)), new byte[] {0x18, 0x01}))),
        "unknown field in a Feature", wireExample(wireEntry("v", RandomWire.concat(List.of(
            new byte[] {0x20, 0x01}, int64s(4))))),
        "two value fields in a map entry", wireExample(RandomWire.concat(List.of(
            RandomWire.field(1, utf8("v").toByteArray()), RandomWire.field(2, int64s(4)),
            RandomWire.field(2, new byte[0])))));
    rejected.forEach((name, record) -> {
      assertThat(tensorflow(spec, record)).as(name).asString().startsWith("rejected");
      assertThat(ours(spec, record)).as(name).isEqualTo(List.of(4L));
    });
    ExampleSpec defaulted = ExampleSpec.of(FeatureSpec.fixed("v", DType.INT64).withDefault(-1L));
    byte[] keyOnly = wireExample(RandomWire.field(1, utf8("v").toByteArray()));
    assertThat(tensorflow(defaulted, keyOnly)).asString().contains("Could not parse example input");
    assertThat(ours(defaulted, keyOnly)).isEqualTo(List.of(-1L));
  }

  /** Our parser's error, comparable with {@link #ours}'s answer. */
  private record Failed(String feature, Reason reason) {
    static Failed of(String feature, Reason reason) {
      return new Failed(feature, reason);
    }
  }

  @Test
  void aKindThatSwitchesAwayAndBackIsAKnownDifferenceFromTensorFlow() {
    // int64_list [7], then bytes_list [], then int64_list [8, 9] in one Feature. Three decoders,
    // three answers: TensorFlow's parser reads only the Feature's first list ([7]); protobuf-java
    // merges the int64 lists across the switch ([7, 8, 9]); we follow the protobuf rule for a
    // oneof, the lists after its last switch ([8, 9]). No writer produces this; the test pins
    // the difference (docs/example-parsing.md) so that a change to either side shows.
    ExampleSpec spec = ExampleSpec.of(FeatureSpec.varLen("opt", DType.INT64));
    byte[] feature = RandomWire.concat(List.of(int64s(7), RandomWire.field(1, new byte[0]),
        int64s(8, 9)));
    byte[] record = wireExample(wireEntry("opt", feature));
    assertThat(tensorflow(spec, record)).isEqualTo(List.of(7L));
    assertThat(ours(spec, record)).isEqualTo(List.of(8L, 9L));
  }

  /** The one feature's values in the one record, or TensorFlow's error message. */
  private static Object tensorflow(ExampleSpec spec, byte[] record) {
    try {
      return TensorFlowParseExample.parse(spec, List.of(record)).columns()
          .get(spec.features().get(0).name()).get(0);
    } catch (TFInvalidArgumentException e) {
      return "rejected: " + e.getMessage();
    }
  }

  /** The first feature's values in the one record, or our error. */
  private static Object ours(ExampleSpec spec, byte[] record) {
    ParseOutcome outcome = parse(spec, List.of(record));
    if (outcome.failure() != null) {
      return Failed.of(outcome.failure().feature(), outcome.failure().reason());
    }
    return outcome.columns().get(spec.features().get(0).name()).get(0);
  }

  /** A valid value for each feature of {@link #DEFAULTED}. */
  private static byte[] present(String name) {
    switch (name) {
      case "opt":
        return wireEntry("opt", int64s(5, 6));
      case "one":
        return wireEntry("one", floats32(1f));
      default:
        return wireEntry("tag", RandomWire.field(1, BytesList.newBuilder()
            .addValue(utf8("t")).build().toByteArray()));
    }
  }

  private static byte[] wireExample(byte[]... entries) {
    List<byte[]> fields = new ArrayList<>();
    for (byte[] entry : entries) {
      fields.add(RandomWire.field(1, entry));
    }
    return RandomWire.field(1, RandomWire.concat(fields));
  }

  private static byte[] wireEntry(String name, byte[] feature) {
    return RandomWire.concat(List.of(RandomWire.field(1, utf8(name).toByteArray()),
        RandomWire.field(2, feature)));
  }

  /** A Feature's int64_list field. */
  private static byte[] int64s(long... values) {
    return RandomWire.field(3, longs("", values).getValue().getInt64List().toByteArray());
  }

  /** A Feature's float_list field. */
  private static byte[] floats32(float... values) {
    return RandomWire.field(2, floats("", values).getValue().getFloatList().toByteArray());
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static ParseOutcome parse(ExampleSpec spec, List<byte[]> records) {
    List<ByteBuf> buffers = new ArrayList<>();
    try {
      SerializedRecords serialized = new SerializedRecords(records.size());
      for (byte[] record : records) {
        ByteBuf buffer = Unpooled.directBuffer(record.length);
        buffers.add(buffer);
        serialized.add(buffer.writeBytes(record));
      }
      return ParseOutcome.parse(new ExampleParser(spec), serialized);
    } finally {
      buffers.forEach(ByteBuf::release);
    }
  }

  @SafeVarargs
  private static Example example(Map.Entry<String, Feature>... entries) {
    Features.Builder features = Features.newBuilder();
    for (Map.Entry<String, Feature> entry : entries) {
      features.putFeature(entry.getKey(), entry.getValue());
    }
    return Example.newBuilder().setFeatures(features).build();
  }

  private static Map.Entry<String, Feature> floats(String name, float... values) {
    FloatList.Builder list = FloatList.newBuilder();
    for (float value : values) {
      list.addValue(value);
    }
    return Map.entry(name, Feature.newBuilder().setFloatList(list).build());
  }

  private static Map.Entry<String, Feature> longs(String name, long... values) {
    Int64List.Builder list = Int64List.newBuilder();
    for (long value : values) {
      list.addValue(value);
    }
    return Map.entry(name, Feature.newBuilder().setInt64List(list).build());
  }

  private static Map.Entry<String, Feature> bytes(String name, String... values) {
    BytesList.Builder list = BytesList.newBuilder();
    for (String value : values) {
      list.addValue(utf8(value));
    }
    return Map.entry(name, Feature.newBuilder().setBytesList(list).build());
  }

  private static Map.Entry<String, Feature> rawBytes(String name, byte[] value) {
    return Map.entry(name, Feature.newBuilder()
        .setBytesList(BytesList.newBuilder().addValue(ByteString.copyFrom(value))).build());
  }

  private static List<byte[]> serialize(Example... examples) {
    return java.util.Arrays.stream(examples).map(Example::toByteArray).toList();
  }

  private static ByteString utf8(String text) {
    return ByteString.copyFromUtf8(text);
  }

  private static int bits(float value) {
    return Float.floatToRawIntBits(value);
  }
}
