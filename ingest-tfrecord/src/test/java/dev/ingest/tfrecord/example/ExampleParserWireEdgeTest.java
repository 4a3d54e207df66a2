package dev.ingest.tfrecord.example;

import static dev.ingest.tfrecord.example.RandomWire.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.ingest.Batch;
import dev.ingest.DType;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import dev.ingest.InvalidExampleException;
import dev.ingest.InvalidExampleException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.FloatList;
import org.tensorflow.proto.Int64List;

/**
 * Wire encodings where the reference decoder ({@code org.tensorflow.proto}'s generated classes)
 * is itself wrong or lenient, or which a random generator would rarely produce: each pins what
 * protobuf's encoding rules say and checks that our parser does that.
 */
class ExampleParserWireEdgeTest {

  @Test
  void aListKindThatComesBackReplacesTheEarlierListsOfThatKind() throws Exception {
    // Feature { float_list {1}  int64_list {2}  float_list {3} }: the oneof switches twice, so
    // protobuf keeps float_list {3} alone. The generated Feature class (protobuf 3.21 codegen)
    // reuses the first float_list builder and answers [1, 3]; the descriptor-driven decoder
    // follows the rules.
    byte[] feature = RandomWire.concat(List.of(
        field(2, FloatList.newBuilder().addValue(1f).build().toByteArray()),
        field(3, Int64List.newBuilder().addValue(2).build().toByteArray()),
        field(2, FloatList.newBuilder().addValue(3f).build().toByteArray())));
    DynamicMessage byDescriptor = DynamicMessage.parseFrom(Feature.getDescriptor(), feature);
    assertThat(Feature.parseFrom(byDescriptor.toByteArray()).getFloatList().getValueList())
        .containsExactly(3f);
    assertThat(Feature.parseFrom(feature).getFloatList().getValueList())
        .as("the generated class's known quirk; if this changes, the generator can drop its rule")
        .containsExactly(1f, 3f);

    ExampleSpec spec = ExampleSpec.of(FeatureSpec.varLen("v", DType.FLOAT32));
    try (Batch batch = parse(spec, example(entry("v", feature)))) {
      assertThat(batch.column("v").floats().remaining()).isEqualTo(1);
      assertThat(batch.column("v").floats().get(0)).isEqualTo(3f);
    }
  }

  @Test
  void aVarintWhoseTenthByteSaysMoreIsMalformed() throws Exception {
    // Int64List { value: [MIN, 5] } packed, but MIN's tenth byte has its continuation bit set.
    byte[] list = {0x0a, 11, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
        (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x81, 0x05};
    assertThat(Int64List.parseFrom(list).getValueList())
        .as("protobuf-java stops a varint after ten bytes whatever the tenth says")
        .containsExactly(Long.MIN_VALUE, 5L);
    ExampleSpec spec = ExampleSpec.of(FeatureSpec.varLen("v", DType.INT64));
    assertMalformed(spec, example(entry("v", field(3, list))));
  }

  @Test
  void deeplyNestedUnknownGroupsAreMalformedNotAStackOverflow() throws Exception {
    // 200 000 start-group tags (field 1, wire type 3) nested in one another: protobuf refuses
    // more than 100 levels; recursing once per level would overflow the stack instead.
    byte[] record = new byte[200_000];
    Arrays.fill(record, (byte) 0x0b);
    assertThatThrownBy(() -> Example.parseFrom(record))
        .isInstanceOf(InvalidProtocolBufferException.class);
    assertMalformed(ExampleSpec.of(FeatureSpec.varLen("v", DType.INT64)), record);
  }

  @Test
  void unknownGroupsNestedAFewLevelsDeepAreSkipped() throws Exception {
    int depth = 30;
    byte[] groups = new byte[2 * depth];
    for (int i = 0; i < depth; i++) {
      groups[i] = 0x2b; // field 5, start group
      groups[2 * depth - 1 - i] = 0x2c; // field 5, end group
    }
    byte[] value = field(3, new byte[] {0x08, 0x07});
    byte[] record = RandomWire.concat(List.of(groups, example(entry("v", RandomWire.concat(
        List.of(groups, value, groups))))));
    assertThat(Example.parseFrom(record).getFeatures().getFeatureMap().get("v")
        .getInt64List().getValueList()).containsExactly(7L);
    ExampleSpec spec = ExampleSpec.of(FeatureSpec.varLen("v", DType.INT64));
    try (Batch batch = parse(spec, record)) {
      assertThat(batch.column("v").longs().get(0)).isEqualTo(7L);
    }
  }

  @Test
  void malformedPositionsCountFromTheRecordsFirstByte() {
    // A float cut to two of its four bytes, at the very end of a record that starts at byte 10
    // of its buffer: the message names the byte within the record.
    byte[] record = example(entry("v", field(2, new byte[] {0x0d, 0x00, 0x00})));
    ByteBuf buffer = Unpooled.buffer().writeZero(10).writeBytes(record).writeZero(4);
    try {
      SerializedRecords records = new SerializedRecords(1);
      records.add(buffer, 10, record.length, null, -1, 0);
      ExampleSpec spec = ExampleSpec.of(FeatureSpec.varLen("v", DType.FLOAT32));
      assertThatThrownBy(() -> new ExampleParser(spec).parse(records).close())
          .isInstanceOfSatisfying(InvalidExampleException.class,
              e -> assertThat(e.getMessage()).contains("at byte " + (record.length - 2) + ","));
    } finally {
      buffer.release();
    }
  }

  private static void assertMalformed(ExampleSpec spec, byte[] record) {
    assertThatThrownBy(() -> parse(spec, record).close())
        .isInstanceOfSatisfying(InvalidExampleException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
  }

  private static Batch parse(ExampleSpec spec, byte[] record) throws InvalidExampleException {
    ByteBuf buffer = Unpooled.wrappedBuffer(record);
    try {
      SerializedRecords records = new SerializedRecords(1);
      records.add(buffer);
      return new ExampleParser(spec).parse(records);
    } finally {
      buffer.release();
    }
  }

  private static byte[] entry(String name, byte[] feature) {
    return RandomWire.concat(List.of(field(1, name.getBytes(StandardCharsets.UTF_8)), field(2, feature)));
  }

  private static byte[] example(byte[] entry) {
    return field(1, field(1, entry));
  }
}
