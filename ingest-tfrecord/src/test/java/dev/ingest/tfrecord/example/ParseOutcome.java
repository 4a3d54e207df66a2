package dev.ingest.tfrecord.example;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.ingest.Batch;
import dev.ingest.Column;
import dev.ingest.DType;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import dev.ingest.InvalidExampleException;
import dev.ingest.InvalidExampleException.Reason;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;

/**
 * What parsing a batch should give, in one comparable form: either every column as rows of
 * values, or the first error (record, feature, reason). Floats are kept as their raw bits so
 * that NaN payloads and negative zero compare exactly; byte strings as {@link ByteString}.
 *
 * <p>{@link #expected} derives the outcome from {@code Example.parseFrom} (the reference decoder)
 * and the documented semantics of a spec; {@link #of(Batch)} reads our parser's batch.
 */
record ParseOutcome(Map<String, List<List<Object>>> columns, Failure failure) {

  record Failure(long recordIndex, String feature, Reason reason) {}

  static ParseOutcome failed(long recordIndex, String feature, Reason reason) {
    return new ParseOutcome(null, new Failure(recordIndex, feature, reason));
  }

  /**
   * The outcome the spec's semantics give for these decoded examples: a fixed feature must have
   * exactly its element count of values; absent or without a list it takes its default or is
   * MISSING; a var-len feature absent or without a list is an empty row; a list of another type
   * is WRONG_DTYPE. The first bad record, and in it the first bad feature in spec order, is the
   * error.
   */
  static ParseOutcome expected(ExampleSpec spec, List<Example> examples, List<Long> recordIndexes) {
    Map<String, List<List<Object>>> columns = new LinkedHashMap<>();
    for (FeatureSpec feature : spec.features()) {
      columns.put(feature.name(), new ArrayList<>());
    }
    for (int row = 0; row < examples.size(); row++) {
      Map<String, Feature> map = examples.get(row).getFeatures().getFeatureMap();
      for (FeatureSpec feature : spec.features()) {
        Feature value = map.get(feature.name());
        List<Object> values;
        if (value == null || value.getKindCase() == Feature.KindCase.KIND_NOT_SET) {
          if (feature.varLen()) {
            values = List.of();
          } else if (feature.defaultValue() != null) {
            values = defaults(feature);
          } else {
            return failed(recordIndexes.get(row), feature.name(), Reason.MISSING);
          }
        } else {
          if (dtypeOf(value) != feature.dtype()) {
            return failed(recordIndexes.get(row), feature.name(), Reason.WRONG_DTYPE);
          }
          values = valuesOf(value);
          if (!feature.varLen() && values.size() != feature.elementCount()) {
            return failed(recordIndexes.get(row), feature.name(), Reason.WRONG_COUNT);
          }
        }
        columns.get(feature.name()).add(values);
      }
    }
    return new ParseOutcome(columns, null);
  }

  /** Parses with our parser and reads back every column, or the error it threw. */
  static ParseOutcome parse(ExampleParser parser, SerializedRecords records) {
    try (Batch batch = parser.parse(records)) {
      return of(batch, parser.spec());
    } catch (InvalidExampleException e) {
      return failed(e.recordIndex(), e.feature(), e.reason());
    }
  }

  /** Reads every column of {@code batch}, checking the layout invariants on the way. */
  static ParseOutcome of(Batch batch, ExampleSpec spec) {
    Map<String, List<List<Object>>> columns = new LinkedHashMap<>();
    assertThat(batch.columns()).extracting(Column::name)
        .containsExactlyElementsOf(spec.features().stream().map(FeatureSpec::name).toList());
    for (FeatureSpec feature : spec.features()) {
      columns.put(feature.name(), rows(batch.column(feature.name()), feature, batch.rows()));
    }
    return new ParseOutcome(columns, null);
  }

  private static List<List<Object>> rows(Column column, FeatureSpec feature, int rowCount) {
    assertThat(column.ragged()).as("%s ragged", feature.name()).isEqualTo(feature.varLen());
    assertThat(column.dtype()).isEqualTo(feature.dtype());
    assertThat(column.rows()).isEqualTo(rowCount);
    long[] splits = new long[rowCount + 1];
    if (feature.varLen()) {
      LongBuffer rowSplits = column.rowSplits();
      assertThat(rowSplits.remaining()).isEqualTo(rowCount + 1);
      rowSplits.get(splits);
      assertThat(splits[0]).isZero();
    } else {
      for (int row = 0; row <= rowCount; row++) {
        splits[row] = (long) row * feature.elementCount();
      }
    }
    assertThat(splits[rowCount]).as("%s value count", feature.name()).isEqualTo(column.valueCount());
    if (feature.dtype() == DType.BYTES) {
      assertThat(column.valueOffsets().remaining()).isEqualTo(column.valueCount() + 1);
    } else {
      assertThat(column.values().remaining())
          .isEqualTo(column.valueCount() * feature.dtype().width());
    }
    List<List<Object>> rows = new ArrayList<>();
    for (int row = 0; row < rowCount; row++) {
      int length = (int) (splits[row + 1] - splits[row]);
      assertThat(column.rowLength(row)).as("%s row %d length", feature.name(), row).isEqualTo(length);
      List<Object> values = new ArrayList<>(length);
      for (int i = 0; i < length; i++) {
        int at = (int) splits[row] + i;
        switch (feature.dtype()) {
          case FLOAT32:
            values.add(Float.floatToRawIntBits(column.floats().get(at)));
            break;
          case INT64:
            values.add(column.longs().get(at));
            break;
          default:
            values.add(ByteString.copyFrom(column.bytes(row, i)));
        }
      }
      rows.add(values);
    }
    return rows;
  }

  private static DType dtypeOf(Feature feature) {
    switch (feature.getKindCase()) {
      case FLOAT_LIST:
        return DType.FLOAT32;
      case INT64_LIST:
        return DType.INT64;
      default:
        return DType.BYTES;
    }
  }

  private static List<Object> valuesOf(Feature feature) {
    List<Object> values = new ArrayList<>();
    switch (feature.getKindCase()) {
      case FLOAT_LIST:
        feature.getFloatList().getValueList()
            .forEach(value -> values.add(Float.floatToRawIntBits(value)));
        break;
      case INT64_LIST:
        values.addAll(feature.getInt64List().getValueList());
        break;
      default:
        values.addAll(feature.getBytesList().getValueList());
    }
    return values;
  }

  private static List<Object> defaults(FeatureSpec feature) {
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < feature.elementCount(); i++) {
      Object value = feature.defaultValue().get(feature.defaultValue().size() == 1 ? 0 : i);
      if (value instanceof Float) {
        values.add(Float.floatToRawIntBits((Float) value));
      } else if (value instanceof String) {
        values.add(ByteString.copyFrom(((String) value).getBytes(StandardCharsets.UTF_8)));
      } else {
        values.add(value);
      }
    }
    return values;
  }
}
