package dev.ingest.tfrecord.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;

/**
 * Differential test: what {@link ExampleEncoder} writes, TensorFlow's generated {@code
 * org.tensorflow.proto.Example} parses back to the same features.
 */
class ExampleEncoderProperties {

  /** One feature as the test generates it: exactly one of the three arrays is non-null. */
  record FeatureValues(List<byte[]> bytes, float[] floats, long[] int64s) {
    void putInto(ExampleEncoder encoder, String name) {
      if (bytes != null) {
        encoder.putBytesList(name, bytes);
      } else if (floats != null) {
        encoder.putFloats(name, floats);
      } else {
        encoder.putInt64s(name, int64s);
      }
    }

    void assertEquals(Feature parsed) {
      if (bytes != null) {
        assertThat(parsed.getKindCase()).isEqualTo(Feature.KindCase.BYTES_LIST);
        List<byte[]> actual = new ArrayList<>();
        for (ByteString value : parsed.getBytesList().getValueList()) {
          actual.add(value.toByteArray());
        }
        assertThat(actual).hasSameSizeAs(bytes);
        for (int i = 0; i < bytes.size(); i++) {
          assertThat(actual.get(i)).isEqualTo(bytes.get(i));
        }
      } else if (floats != null) {
        assertThat(parsed.getKindCase()).isEqualTo(Feature.KindCase.FLOAT_LIST);
        List<Float> actual = parsed.getFloatList().getValueList();
        assertThat(actual).hasSize(floats.length);
        for (int i = 0; i < floats.length; i++) {
          // Bit patterns, so that NaN payloads and -0.0 count too.
          assertThat(Float.floatToRawIntBits(actual.get(i)))
              .isEqualTo(Float.floatToRawIntBits(floats[i]));
        }
      } else {
        assertThat(parsed.getKindCase()).isEqualTo(Feature.KindCase.INT64_LIST);
        long[] actual =
            parsed.getInt64List().getValueList().stream().mapToLong(Long::longValue).toArray();
        assertThat(actual).isEqualTo(int64s);
      }
    }
  }

  private final ExampleEncoder encoder = new ExampleEncoder();

  @Property(tries = 500)
  void tensorflowParsesWhatTheEncoderWrites(
      @ForAll("examples") Map<String, FeatureValues> features) throws Exception {
    encoder.clear();
    features.forEach((name, values) -> values.putInto(encoder, name));

    byte[] encoded = encoder.toByteArray();

    assertThat(encoded).hasSize(encoder.serializedSize());
    org.tensorflow.proto.Example parsed = org.tensorflow.proto.Example.parseFrom(encoded);
    Map<String, Feature> parsedFeatures = parsed.getFeatures().getFeatureMap();
    assertThat(parsedFeatures.keySet()).isEqualTo(features.keySet());
    features.forEach((name, values) -> values.assertEquals(parsedFeatures.get(name)));
  }

  @Property(tries = 100)
  void writeToFillsTheTargetAtTheOffset(
      @ForAll("examples") Map<String, FeatureValues> features) {
    encoder.clear();
    features.forEach((name, values) -> values.putInto(encoder, name));
    byte[] expected = encoder.toByteArray();
    byte[] target = new byte[expected.length + 7];
    Arrays.fill(target, (byte) 0x5a);

    int written = encoder.writeTo(target, 3);

    assertThat(written).isEqualTo(expected.length);
    assertThat(Arrays.copyOfRange(target, 3, 3 + written)).isEqualTo(expected);
    assertThat(Arrays.copyOfRange(target, 0, 3)).containsOnly((byte) 0x5a);
    assertThat(Arrays.copyOfRange(target, 3 + written, target.length)).containsOnly((byte) 0x5a);
  }

  @Example
  void encodesTheDocumentedExampleAsProtobufDoes() throws Exception {
    byte[] image = {1, 2, 3};
    byte[] encoded =
        encoder
            .clear()
            .putBytes("image", image)
            .putInt64("label", 3)
            .putFloats("features", new float[] {0.5f, -1f})
            .putInt64s("tokens", new long[] {7, -1, Long.MAX_VALUE})
            .toByteArray();

    org.tensorflow.proto.Example expected =
        org.tensorflow.proto.Example.newBuilder()
            .setFeatures(
                Features.newBuilder()
                    .putFeature("image", bytesFeature(image))
                    .putFeature("label", int64Feature(3))
                    .putFeature(
                        "features",
                        Feature.newBuilder()
                            .setFloatList(
                                org.tensorflow.proto.FloatList.newBuilder()
                                    .addValue(0.5f)
                                    .addValue(-1f))
                            .build())
                    .putFeature("tokens", int64Feature(7, -1, Long.MAX_VALUE)))
            .build();
    assertThat(encoded).isEqualTo(expected.toByteArray());
  }

  @Example
  void theCallerMayReuseItsArraysAtOnce() throws Exception {
    long[] tokens = {1, 2, 3};
    encoder.clear().putInt64s("tokens", tokens);
    tokens[0] = 99;

    org.tensorflow.proto.Example parsed =
        org.tensorflow.proto.Example.parseFrom(encoder.toByteArray());

    assertThat(parsed.getFeatures().getFeatureMap().get("tokens").getInt64List().getValueList())
        .containsExactly(1L, 2L, 3L);
  }

  @Example
  void aNameMayBePutOncePerExample() {
    encoder.clear().putInt64("label", 1);

    assertThatThrownBy(() -> encoder.putFloat("label", 1f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label");
    assertThat(encoder.clear().putInt64("label", 2).featureCount()).isEqualTo(1);
  }

  @Example
  void anEmptyExampleIsAnEmptyFeaturesMessage() throws Exception {
    byte[] encoded = encoder.clear().toByteArray();

    assertThat(encoded).containsExactly(0x0a, 0x00);
    assertThat(org.tensorflow.proto.Example.parseFrom(encoded).getFeatures().getFeatureCount())
        .isZero();
  }

  private static Feature bytesFeature(byte[] value) {
    return Feature.newBuilder()
        .setBytesList(
            org.tensorflow.proto.BytesList.newBuilder().addValue(ByteString.copyFrom(value)))
        .build();
  }

  private static Feature int64Feature(long... values) {
    org.tensorflow.proto.Int64List.Builder list = org.tensorflow.proto.Int64List.newBuilder();
    for (long value : values) {
      list.addValue(value);
    }
    return Feature.newBuilder().setInt64List(list).build();
  }

  @Provide
  Arbitrary<Map<String, FeatureValues>> examples() {
    Arbitrary<String> names = Arbitraries.strings().ofMaxLength(20);
    return Arbitraries.maps(names, featureValues())
        .ofMaxSize(8)
        .map(LinkedHashMap::new);
  }

  private Arbitrary<FeatureValues> featureValues() {
    Arbitrary<FeatureValues> bytes =
        Arbitraries.bytes()
            .array(byte[].class)
            .ofMaxSize(300)
            .list()
            .ofMaxSize(4)
            .map(values -> new FeatureValues(values, null, null));
    Arbitrary<FeatureValues> floats =
        Arbitraries.integers()
            .map(Float::intBitsToFloat)
            .array(float[].class)
            .ofMaxSize(100)
            .map(values -> new FeatureValues(null, values, null));
    Arbitrary<FeatureValues> int64s =
        Arbitraries.longs()
            .array(long[].class)
            .ofMaxSize(100)
            .map(values -> new FeatureValues(null, null, values));
    return Arbitraries.oneOf(bytes, floats, int64s);
  }
}
