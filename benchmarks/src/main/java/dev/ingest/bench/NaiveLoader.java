package dev.ingest.bench;

import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;

/**
 * The baseline every benchmark compares with: what a hand-written Java loader does with one
 * batch of serialized records: {@code Example.parseFrom} each, then copy the values into plain
 * arrays, the least a trainer needs (images as byte arrays, features as one float array, tokens
 * as values plus row splits, labels as longs).
 */
final class NaiveLoader {
  private NaiveLoader() {}

  /** Parses records {@code first} (inclusive) to {@code end} of a gen kind; returns the arrays. */
  static Object batch(String kind, int first, int end, IntFunction<byte[]> records)
      throws Exception {
    int rows = end - first;
    long[] labels = new long[rows];
    switch (kind) {
      case "image": {
        byte[][] images = new byte[rows][];
        for (int row = 0; row < rows; row++) {
          var features = Example.parseFrom(records.apply(first + row)).getFeatures().getFeatureMap();
          images[row] = features.get("image").getBytesList().getValue(0).toByteArray();
          labels[row] = features.get("label").getInt64List().getValue(0);
        }
        return new Object[] {images, labels};
      }
      case "tabular": {
        float[] values = new float[rows * 32];
        for (int row = 0; row < rows; row++) {
          var features = Example.parseFrom(records.apply(first + row)).getFeatures().getFeatureMap();
          List<Float> floats = features.get("features").getFloatList().getValueList();
          for (int i = 0; i < 32; i++) {
            values[row * 32 + i] = floats.get(i);
          }
          labels[row] = features.get("label").getInt64List().getValue(0);
        }
        return new Object[] {values, labels};
      }
      default: {
        long[] tokens = new long[rows * 64];
        long[] splits = new long[rows + 1];
        int count = 0;
        for (int row = 0; row < rows; row++) {
          var features = Example.parseFrom(records.apply(first + row)).getFeatures().getFeatureMap();
          Feature feature = features.get("tokens");
          int length = feature.getInt64List().getValueCount();
          if (count + length > tokens.length) {
            tokens = Arrays.copyOf(tokens, Math.max(tokens.length * 2, count + length));
          }
          for (int i = 0; i < length; i++) {
            tokens[count++] = feature.getInt64List().getValue(i);
          }
          splits[row + 1] = count;
          labels[row] = features.get("label").getInt64List().getValue(0);
        }
        return new Object[] {tokens, splits, labels};
      }
    }
  }
}
