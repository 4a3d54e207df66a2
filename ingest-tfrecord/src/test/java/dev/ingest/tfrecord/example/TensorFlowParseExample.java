package dev.ingest.tfrecord.example;

import com.google.protobuf.ByteString;
import dev.ingest.DType;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.io.ParseExample;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * TensorFlow's own {@code tf.io.parse_example} (the {@code ParseExampleV2} kernel, its C++ fast
 * parser), driven through TensorFlow Java: fixed features as dense outputs with the spec's
 * defaults, var-len features as ragged outputs with int64 row splits. The result is a {@link
 * ParseOutcome}, comparable with our parser's.
 *
 * <p>Each call builds and closes its own graph, session and tensors.
 */
final class TensorFlowParseExample {
  private TensorFlowParseExample() {}

  /**
   * Parses {@code records} with TensorFlow.
   *
   * @throws org.tensorflow.exceptions.TFInvalidArgumentException when TensorFlow rejects a record
   */
  static ParseOutcome parse(ExampleSpec spec, List<byte[]> records) {
    List<FeatureSpec> dense = spec.features().stream().filter(f -> !f.varLen()).toList();
    List<FeatureSpec> ragged = spec.features().stream().filter(FeatureSpec::varLen).toList();
    List<Tensor> tensors = new ArrayList<>();
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Operand<TString> serialized =
          tf.constantOf(track(tensors, bytesTensor(Shape.of(records.size()), records)));
      List<Operand<?>> defaults = new ArrayList<>();
      List<Shape> shapes = new ArrayList<>();
      for (FeatureSpec feature : dense) {
        defaults.add(tf.constantOf(track(tensors, defaultTensor(feature))));
        shapes.add(Shape.of(feature.shape().stream().mapToLong(Integer::longValue).toArray()));
      }
      List<Class<? extends TType>> raggedTypes = new ArrayList<>();
      List<Class<? extends TNumber>> splitTypes = new ArrayList<>();
      for (FeatureSpec feature : ragged) {
        raggedTypes.add(tensorType(feature.dtype()));
        splitTypes.add(TInt64.class);
      }
      ParseExample parse = tf.io.parseExample(
          serialized,
          tf.constantOf(track(tensors, bytesTensor(Shape.of(0), List.of()))),
          tf.constantOf(track(tensors, bytesTensor(Shape.of(0), List.of()))),
          tf.constantOf(track(tensors, names(dense))),
          tf.constantOf(track(tensors, names(ragged))),
          defaults, 0L, List.of(), raggedTypes, splitTypes, shapes);

      Session.Runner runner;
      Map<String, List<List<Object>>> columns = new LinkedHashMap<>();
      try (Session session = new Session(graph)) {
        runner = session.runner();
        parse.denseValues().forEach(runner::fetch);
        parse.raggedValues().forEach(runner::fetch);
        parse.raggedRowSplits().forEach(runner::fetch);
        try (Result result = runner.run()) {
          for (int i = 0; i < dense.size(); i++) {
            FeatureSpec feature = dense.get(i);
            List<Object> values = values(result.get(i), feature.dtype());
            List<List<Object>> rows = new ArrayList<>();
            for (int row = 0; row < records.size(); row++) {
              int count = feature.elementCount();
              rows.add(new ArrayList<>(values.subList(row * count, (row + 1) * count)));
            }
            columns.put(feature.name(), rows);
          }
          for (int j = 0; j < ragged.size(); j++) {
            FeatureSpec feature = ragged.get(j);
            List<Object> values = values(result.get(dense.size() + j), feature.dtype());
            List<Object> splits = values(result.get(dense.size() + ragged.size() + j), DType.INT64);
            List<List<Object>> rows = new ArrayList<>();
            for (int row = 0; row < records.size(); row++) {
              int from = (int) (long) (Long) splits.get(row);
              int to = (int) (long) (Long) splits.get(row + 1);
              rows.add(new ArrayList<>(values.subList(from, to)));
            }
            columns.put(feature.name(), rows);
          }
        }
      }
      Map<String, List<List<Object>>> inSpecOrder = new LinkedHashMap<>();
      spec.features().forEach(feature -> inSpecOrder.put(feature.name(), columns.get(feature.name())));
      return new ParseOutcome(inSpecOrder, null);
    } finally {
      tensors.forEach(Tensor::close);
    }
  }

  /** A fixed feature's default as TensorFlow wants it: its full shape, or empty when required. */
  private static TType defaultTensor(FeatureSpec feature) {
    int count = feature.defaultValue() == null ? 0 : feature.elementCount();
    Shape shape = feature.defaultValue() == null
        ? Shape.of(0)
        : Shape.of(feature.shape().stream().mapToLong(Integer::longValue).toArray());
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      values.add(feature.defaultValue().get(feature.defaultValue().size() == 1 ? 0 : i));
    }
    switch (feature.dtype()) {
      case FLOAT32:
        float[] floats = new float[count];
        for (int i = 0; i < count; i++) {
          floats[i] = (Float) values.get(i);
        }
        return TFloat32.tensorOf(shape, DataBuffers.of(floats, true, false));
      case INT64:
        long[] longs = new long[count];
        for (int i = 0; i < count; i++) {
          longs[i] = (Long) values.get(i);
        }
        return TInt64.tensorOf(shape, DataBuffers.of(longs, true, false));
      default:
        List<byte[]> bytes = new ArrayList<>();
        values.forEach(value -> bytes.add(((String) value).getBytes(StandardCharsets.UTF_8)));
        return bytesTensor(shape, bytes);
    }
  }

  private static TString names(List<FeatureSpec> features) {
    return bytesTensor(Shape.of(features.size()), features.stream()
        .map(feature -> feature.name().getBytes(StandardCharsets.UTF_8)).toList());
  }

  private static TString bytesTensor(Shape shape, List<byte[]> values) {
    return TString.tensorOfBytes(shape, DataBuffers.ofObjects(values.toArray(byte[][]::new)));
  }

  private static Class<? extends TType> tensorType(DType dtype) {
    switch (dtype) {
      case FLOAT32:
        return TFloat32.class;
      case INT64:
        return TInt64.class;
      default:
        return TString.class;
    }
  }

  /** Every element, row-major, in {@link ParseOutcome}'s representation. */
  private static List<Object> values(Tensor tensor, DType dtype) {
    List<Object> values = new ArrayList<>();
    switch (dtype) {
      case FLOAT32:
        ((TFloat32) tensor).scalars()
            .forEach(scalar -> values.add(Float.floatToRawIntBits(scalar.getFloat())));
        break;
      case INT64:
        ((TInt64) tensor).scalars().forEach(scalar -> values.add(scalar.getLong()));
        break;
      default:
        ((TString) tensor).asBytes().scalars()
            .forEach(scalar -> values.add(ByteString.copyFrom(scalar.getObject())));
    }
    return values;
  }

  private static <T extends Tensor> T track(List<Tensor> tensors, T tensor) {
    tensors.add(tensor);
    return tensor;
  }
}
