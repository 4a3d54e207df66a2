package dev.ingest.arrow;

import dev.ingest.Batch;
import dev.ingest.Column;
import dev.ingest.DType;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import dev.ingest.tfrecord.example.ExampleEncoder;
import dev.ingest.tfrecord.example.ExampleParser;
import dev.ingest.tfrecord.example.SerializedRecords;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test chunks made the way the engine makes them: rows encoded as {@code tf.train.Example}s and
 * parsed by the real {@link ExampleParser}, so the columns are the engine's own; and rows read
 * back out of any {@link Column} through its public contract alone, for comparison.
 *
 * <p>A row is a map from feature name to its values: {@code long[]}, {@code float[]} or {@code
 * List<byte[]>} as the feature's dtype says; a var-len feature left out is an empty row.
 */
final class TestRows {
  private TestRows() {}

  /** The rows parsed into one batch; the caller closes it. */
  static Batch parse(ExampleSpec spec, List<Map<String, Object>> rows) throws Exception {
    SerializedRecords records = new SerializedRecords(rows.size());
    List<ByteBuf> buffers = new ArrayList<>();
    try {
      ExampleEncoder encoder = new ExampleEncoder();
      for (Map<String, Object> row : rows) {
        encoder.clear();
        for (FeatureSpec feature : spec.features()) {
          Object values = row.get(feature.name());
          if (values == null) {
            continue;
          }
          switch (feature.dtype()) {
            case INT64 -> encoder.putInt64s(feature.name(), (long[]) values);
            case FLOAT32 -> encoder.putFloats(feature.name(), (float[]) values);
            default -> {
              @SuppressWarnings("unchecked")
              List<byte[]> strings = (List<byte[]>) values;
              encoder.putBytesList(feature.name(), strings);
            }
          }
        }
        ByteBuf buffer = Unpooled.wrappedBuffer(encoder.toByteArray());
        buffers.add(buffer);
        records.add(buffer);
      }
      return new ExampleParser(spec).parse(records);
    } finally {
      buffers.forEach(ByteBuf::release);
    }
  }

  /**
   * Rows {@code [from, to)} of {@code batch} as comparable values: per row, a map from feature
   * name to its values (longs; floats as their bits, so NaN equals itself; byte strings as hex).
   */
  static List<Map<String, List<Object>>> rows(Batch batch, int from, int to) {
    List<Map<String, List<Object>>> rows = new ArrayList<>();
    for (int row = from; row < to; row++) {
      Map<String, List<Object>> values = new LinkedHashMap<>();
      for (Column column : batch.columns()) {
        values.put(column.name(), values(column, row));
      }
      rows.add(values);
    }
    return rows;
  }

  /** The values of one row of a column, read through the Column contract. */
  static List<Object> values(Column column, int row) {
    int length = column.rowLength(row);
    int first = column.ragged() ? (int) column.rowSplits().get(row) : row * length;
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < length; i++) {
      if (column.dtype() == DType.INT64) {
        LongBuffer longs = column.longs();
        values.add(longs.get(first + i));
      } else if (column.dtype() == DType.FLOAT32) {
        FloatBuffer floats = column.floats();
        values.add(Float.floatToRawIntBits(floats.get(first + i)));
      } else {
        ByteBuffer bytes = column.bytes(row, i);
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        values.add(HexFormat.of().formatHex(copy));
      }
    }
    return values;
  }
}
