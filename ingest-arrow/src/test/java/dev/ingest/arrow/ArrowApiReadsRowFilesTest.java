package dev.ingest.arrow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.Batch;
import dev.ingest.DType;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import dev.ingest.spi.RowFileWriter;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Other tools read it": a row file written by our writer, read with Arrow's own API and no code
 * of ours, shows the schema and the values docs/arrow-cache-files.md promises to pyarrow and
 * DuckDB users.
 */
class ArrowApiReadsRowFilesTest {
  @TempDir Path dir;

  @Test
  void arrowsOwnReaderSeesTheDocumentedSchemaAndTheValues() throws Exception {
    ExampleSpec spec = ExampleSpec.of(
        FeatureSpec.fixed("label", DType.INT64).withDefault(-1L),
        FeatureSpec.fixed("pixels", DType.FLOAT32, 2, 2),
        FeatureSpec.varLen("tokens", DType.INT64),
        FeatureSpec.fixed("image", DType.BYTES),
        FeatureSpec.varLen("tags", DType.BYTES));
    Path file = dir.resolve("rows.arrow");
    try (RowFileWriter writer = new ArrowRowFileFormat().create(file, spec);
        Batch chunk = TestRows.parse(spec, List.of(
            Map.of("label", new long[] {7}, "pixels", new float[] {1, 2, 3, 4},
                "tokens", new long[] {10, 11, 12}, "image", List.of(utf8("cat")),
                "tags", List.of(utf8("a"), utf8(""))),
            Map.of("label", new long[] {8}, "pixels", new float[] {5, 6, 7, 8},
                "image", List.of(new byte[0]))))) {
      writer.write(chunk, 2, new int[] {0, 4}, new long[] {0, 1}, new long[] {0, 57});
      writer.finish();
    }

    try (BufferAllocator allocator = new RootAllocator();
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        ArrowFileReader reader = new ArrowFileReader(channel, allocator)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      List<Field> fields = root.getSchema().getFields();
      assertThat(fields).extracting(Field::getName).containsExactly(
          "image", "label", "pixels", "tags", "tokens", "_source_file", "_record", "_offset");
      assertThat(fields).extracting(Field::getType).containsExactly(
          ArrowType.Binary.INSTANCE,
          new ArrowType.Int(64, true),
          new ArrowType.FixedSizeList(4),
          ArrowType.List.INSTANCE,
          ArrowType.List.INSTANCE,
          new ArrowType.Int(32, true),
          new ArrowType.Int(64, true),
          new ArrowType.Int(64, true));
      assertThat(fields).allSatisfy(field -> assertThat(field.isNullable()).isFalse());
      assertThat(fields.get(2).getChildren().get(0).getType())
          .isEqualTo(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE));
      assertThat(fields.get(3).getChildren().get(0).getType()).isEqualTo(ArrowType.Binary.INSTANCE);
      assertThat(fields.get(2).getMetadata())
          .containsEntry("ingest.shape", "[2, 2]")
          .containsEntry("ingest.var_len", "false")
          .containsEntry("ingest.dtype", "float32");
      assertThat(fields.get(1).getMetadata()).containsEntry("ingest.default", "[-1]");
      assertThat(fields.get(4).getMetadata()).containsEntry("ingest.var_len", "true");
      assertThat(root.getSchema().getCustomMetadata()).containsEntry("ingest.row_file", "1");

      assertThat(reader.getRecordBlocks()).hasSize(1);
      assertThat(reader.loadNextBatch()).isTrue();
      assertThat(root.getRowCount()).isEqualTo(2);
      VarBinaryVector image = (VarBinaryVector) root.getVector("image");
      assertThat(image.get(0)).isEqualTo(utf8("cat"));
      assertThat(image.get(1)).isEmpty();
      BigIntVector label = (BigIntVector) root.getVector("label");
      assertThat(List.of(label.get(0), label.get(1))).containsExactly(7L, 8L);
      FixedSizeListVector pixels = (FixedSizeListVector) root.getVector("pixels");
      assertThat(pixels.getObject(1)).isEqualTo(List.of(5f, 6f, 7f, 8f));
      assertThat(((Float4Vector) pixels.getDataVector()).get(2)).isEqualTo(3f);
      ListVector tokens = (ListVector) root.getVector("tokens");
      assertThat(tokens.getObject(0)).isEqualTo(List.of(10L, 11L, 12L));
      assertThat(tokens.getObject(1)).isEmpty();
      ListVector tags = (ListVector) root.getVector("tags");
      VarBinaryVector tagValues = (VarBinaryVector) tags.getDataVector();
      assertThat(tags.getElementStartIndex(0)).isZero();
      assertThat(tags.getElementEndIndex(0)).isEqualTo(2);
      assertThat(tagValues.get(0)).isEqualTo(utf8("a"));
      assertThat(tagValues.get(1)).isEmpty();
      assertThat(tags.getObject(1)).isEmpty();
      IntVector sourceFile = (IntVector) root.getVector("_source_file");
      assertThat(List.of(sourceFile.get(0), sourceFile.get(1))).containsExactly(0, 4);
      BigIntVector offset = (BigIntVector) root.getVector("_offset");
      assertThat(offset.get(1)).isEqualTo(57L);
      assertThat(root.getFieldVectors()).allSatisfy(vector ->
          assertThat(vector.getNullCount()).as(vector.getName()).isZero());
      assertThat(reader.loadNextBatch()).isFalse();
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
