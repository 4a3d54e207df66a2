package dev.ingest.tfrecord.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ingest.ExampleSpec;
import dev.ingest.tfrecord.example.RandomWire.FeatureValue;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.proto.BytesList;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.FloatList;
import org.tensorflow.proto.Int64List;

/**
 * Our parser, reading any protobuf encoding of an Example, against TensorFlow's {@code
 * ParseExampleV2} reading the canonical encoding of the same message ({@code
 * Example.parseFrom(bytes)}, rebuilt without unknown fields and written the way a protobuf
 * library writes it). TensorFlow's fast
 * parser departs from protobuf on unusual encodings (see {@code ExampleParserConformanceTest}),
 * so it is given the canonical one; the claim is that we read every encoding as TensorFlow reads
 * the canonical one.
 */
class ExampleParserTensorFlowProperties {

  @Property(tries = 40)
  void anyEncodingParsesAsTensorFlowParsesTheCanonicalOne(@ForAll long seed) throws Exception {
    Random random = new Random(seed);
    ExampleSpec spec = ExampleParserDifferentialProperties.randomSpec(random);
    // TensorFlow reads an empty default as "required", so a zero-size feature cannot have one.
    Assume.that(spec.features().stream()
        .noneMatch(f -> !f.varLen() && f.elementCount() == 0 && f.defaultValue() != null));
    RandomWire wire = new RandomWire(random);
    boolean spoilt = random.nextInt(4) == 0;
    List<byte[]> records = new ArrayList<>();
    List<byte[]> canonical = new ArrayList<>();
    for (int i = 1 + random.nextInt(8); i > 0; i--) {
      Map<String, FeatureValue> record =
          ExampleParserDifferentialProperties.validRecord(spec, wire, random);
      if (spoilt && random.nextInt(3) == 0) {
        ExampleParserDifferentialProperties.spoil(record, spec, wire, random);
      }
      byte[] bytes = wire.example(record);
      records.add(bytes);
      canonical.add(canonical(Example.parseFrom(bytes)));
    }
    ParseOutcome ours = parse(spec, records);
    Statistics.collect(ours.failure() == null ? "parsed" : ours.failure().reason());
    if (ours.failure() == null) {
      assertThat(ours).isEqualTo(TensorFlowParseExample.parse(spec, canonical));
    } else {
      // TensorFlow parses examples in parallel and may name another bad feature first.
      assertThatThrownBy(() -> TensorFlowParseExample.parse(spec, canonical))
          .as("we failed with %s", ours.failure())
          .isInstanceOf(TFInvalidArgumentException.class);
    }
  }

  /** The Example's feature map alone, written by protobuf: no unknown fields, one list each. */
  private static byte[] canonical(Example example) {
    Features.Builder features = Features.newBuilder();
    example.getFeatures().getFeatureMap().forEach((name, feature) -> {
      Feature.Builder clean = Feature.newBuilder();
      switch (feature.getKindCase()) {
        case BYTES_LIST:
          clean.setBytesList(BytesList.newBuilder().addAllValue(feature.getBytesList().getValueList()));
          break;
        case FLOAT_LIST:
          clean.setFloatList(FloatList.newBuilder().addAllValue(feature.getFloatList().getValueList()));
          break;
        case INT64_LIST:
          clean.setInt64List(Int64List.newBuilder().addAllValue(feature.getInt64List().getValueList()));
          break;
        default:
          break;
      }
      features.putFeature(name, clean.build());
    });
    return Example.newBuilder().setFeatures(features).build().toByteArray();
  }

  private static ParseOutcome parse(ExampleSpec spec, List<byte[]> records) {
    List<ByteBuf> buffers = new ArrayList<>();
    try {
      SerializedRecords serialized = new SerializedRecords(records.size());
      for (byte[] record : records) {
        ByteBuf buffer = Unpooled.wrappedBuffer(record);
        buffers.add(buffer);
        serialized.add(buffer);
      }
      return ParseOutcome.parse(new ExampleParser(spec), serialized);
    } finally {
      buffers.forEach(ByteBuf::release);
    }
  }
}
