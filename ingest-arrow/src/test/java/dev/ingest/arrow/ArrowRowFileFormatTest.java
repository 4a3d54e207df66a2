package dev.ingest.arrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ingest.Batch;
import dev.ingest.Column;
import dev.ingest.DType;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import dev.ingest.spi.RowFileFormat;
import dev.ingest.spi.RowFileReader;
import dev.ingest.spi.RowFileWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArrowRowFileFormatTest {
  /** Every dtype in every kind: scalar, fixed shape (two dimensions), var-len. */
  static final ExampleSpec EVERY_KIND = ExampleSpec.of(
      FeatureSpec.fixed("i_scalar", DType.INT64),
      FeatureSpec.fixed("i_fixed", DType.INT64, 2, 3),
      FeatureSpec.varLen("i_var", DType.INT64),
      FeatureSpec.fixed("f_scalar", DType.FLOAT32),
      FeatureSpec.fixed("f_fixed", DType.FLOAT32, 2, 3),
      FeatureSpec.varLen("f_var", DType.FLOAT32),
      FeatureSpec.fixed("b_scalar", DType.BYTES),
      FeatureSpec.fixed("b_fixed", DType.BYTES, 2),
      FeatureSpec.varLen("b_var", DType.BYTES));

  @TempDir Path dir;
  private final RowFileFormat format = new ArrowRowFileFormat();

  @Test
  void theServiceLoaderFindsTheFormatByItsName() {
    assertThat(ServiceLoader.load(RowFileFormat.class).stream()
            .map(ServiceLoader.Provider::get))
        .anySatisfy(found -> {
          assertThat(found).isInstanceOf(ArrowRowFileFormat.class);
          assertThat(found.name()).isEqualTo("arrow-ipc");
          assertThat(found.extension()).isEqualTo(".arrow");
        });
  }

  @Test
  void everyDtypeAndKindComesBackRowForRowChunkForChunkWithItsOrigins() throws Exception {
    List<List<Map<String, Object>>> chunks = List.of(
        List.of(row(1), row(2), emptyRow(3)),
        List.of(),
        List.of(emptyRow(4), row(5)));
    Path file = dir.resolve("rows.arrow");
    List<List<Map<String, List<Object>>>> written = new ArrayList<>();
    int origin = 0;
    try (RowFileWriter writer = format.create(file, EVERY_KIND)) {
      for (List<Map<String, Object>> rows : chunks) {
        try (Batch chunk = TestRows.parse(EVERY_KIND, rows)) {
          written.add(TestRows.rows(chunk, 0, chunk.rows()));
          writer.write(chunk, chunk.rows(), sourceFiles(origin, rows.size()),
              records(origin, rows.size()), offsets(origin, rows.size()));
          origin += rows.size();
        }
      }
      assertThat(writer.rows()).isEqualTo(5);
      writer.finish();
    }

    try (RowFileReader reader = format.open(file)) {
      assertThat(reader.features()).isEqualTo(EVERY_KIND);
      assertThat(reader.rows()).isEqualTo(5);
      int row = 0;
      for (List<Map<String, List<Object>>> expected : written) {
        assertThat(reader.next()).isTrue();
        Batch chunk = reader.chunk();
        assertThat(chunk.rows()).isEqualTo(expected.size());
        assertThat(chunk.columns()).extracting(Column::name)
            .containsExactlyElementsOf(EVERY_KIND.features().stream().map(FeatureSpec::name).toList());
        assertThat(TestRows.rows(chunk, 0, chunk.rows())).isEqualTo(expected);
        for (int r = 0; r < chunk.rows(); r++, row++) {
          assertThat(reader.sourceFile(r)).isEqualTo(row % 3);
          assertThat(reader.record(r)).isEqualTo(1000L + row);
          assertThat(reader.offset(r)).isEqualTo((1L << 40) + 17L * row);
        }
      }
      assertThat(reader.next()).isFalse();
    }
  }

  @Test
  void chunksKeepTheColumnLayoutExactly() throws Exception {
    Path file = dir.resolve("layout.arrow");
    List<Map<String, Object>> rows = List.of(row(7), emptyRow(8), row(9));
    try (Batch written = TestRows.parse(EVERY_KIND, rows)) {
      writeOneChunk(file, EVERY_KIND, written, written.rows());
      try (RowFileReader reader = format.open(file)) {
        assertThat(reader.next()).isTrue();
        Batch read = reader.chunk();
        for (Column expected : written.columns()) {
          Column actual = read.column(expected.name());
          String name = expected.name();
          assertThat(actual.dtype()).as(name).isEqualTo(expected.dtype());
          assertThat(actual.rowShape()).as(name).isEqualTo(expected.rowShape());
          assertThat(actual.ragged()).as(name).isEqualTo(expected.ragged());
          assertThat(actual.rows()).as(name).isEqualTo(expected.rows());
          assertThat(actual.valueCount()).as(name).isEqualTo(expected.valueCount());
          assertThat(actual.values()).as(name).isEqualTo(expected.values());
          assertThat(actual.values().order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
          assertThat(actual.values().isDirect()).isTrue();
          assertThat(actual.values().alignmentOffset(0, 64)).as(name).isZero();
          assertThat(actual.values().isReadOnly()).isTrue();
          if (expected.ragged()) {
            assertThat(actual.rowSplits()).as(name).isEqualTo(expected.rowSplits());
            assertThat(actual.rowSplits().limit()).isEqualTo(read.rows() + 1);
          } else {
            assertThatThrownBy(actual::rowSplits).isInstanceOf(IllegalStateException.class);
          }
          if (expected.dtype() == DType.BYTES) {
            assertThat(actual.valueOffsets()).as(name).isEqualTo(expected.valueOffsets());
            assertThat(actual.valueOffsets().limit()).isEqualTo(actual.valueCount() + 1);
          }
        }
        assertThat(read.memoryBytes()).isEqualTo(written.memoryBytes());
        ByteBuffer values = read.column("i_scalar").values();
        assertThatThrownBy(() -> values.put(0, (byte) 1)).isInstanceOf(ReadOnlyBufferException.class);
      }
    }
  }

  @Test
  void writingFewerRowsThanTheChunkHasKeepsTheFirstOnes() throws Exception {
    Path file = dir.resolve("first-rows.arrow");
    List<Map<String, Object>> rows = List.of(row(1), emptyRow(2), row(3), row(4));
    try (Batch written = TestRows.parse(EVERY_KIND, rows)) {
      writeOneChunk(file, EVERY_KIND, written, 2);
      try (RowFileReader reader = format.open(file)) {
        assertThat(reader.rows()).isEqualTo(2);
        assertThat(reader.next()).isTrue();
        assertThat(TestRows.rows(reader.chunk(), 0, 2)).isEqualTo(TestRows.rows(written, 0, 2));
      }
    }
  }

  @Test
  void theSpecComesBackWithShapesAndDefaults() throws Exception {
    ExampleSpec spec = ExampleSpec.of(
        FeatureSpec.fixed("image", DType.BYTES).withDefault("it's \"quoted\", ünïcode, [a, b]"),
        FeatureSpec.fixed("label", DType.INT64).withDefault(Long.MIN_VALUE),
        FeatureSpec.fixed("grid", DType.FLOAT32, 2, 3)
            .withDefault(0.1f, -0.0f, Float.NaN, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, 3e38f),
        FeatureSpec.fixed("cube", DType.INT64, 1, 1, 2).withDefault(-1L, Long.MAX_VALUE),
        FeatureSpec.fixed("_private", DType.FLOAT32).withDefault(Float.POSITIVE_INFINITY),
        FeatureSpec.varLen("tokens", DType.BYTES));
    Path file = dir.resolve("spec.arrow");
    try (RowFileWriter writer = format.create(file, spec)) {
      writer.finish();
    }
    try (RowFileReader reader = format.open(file)) {
      assertThat(reader.features()).isEqualTo(spec);
      assertThat(reader.features().feature("grid").orElseThrow().defaultValue().get(1))
          .isEqualTo(-0.0f);
      assertThat(reader.rows()).isZero();
      assertThat(reader.next()).isFalse();
    }
  }

  @Test
  void aFeatureNamedLikeAnOriginColumnIsRefusedBeforeAnyFileIsMade() {
    Path file = dir.resolve("clash.arrow");
    for (String origin : List.of("_source_file", "_record", "_offset")) {
      ExampleSpec spec = ExampleSpec.of(FeatureSpec.fixed(origin, DType.INT64));
      assertThatThrownBy(() -> format.create(file, spec))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + origin + "'")
          .hasMessageContaining("origin column");
      assertThat(file).doesNotExist();
    }
  }

  @Test
  void aChunkWhoseColumnsAreNotTheFilesFeaturesIsRefused() throws Exception {
    ExampleSpec other = ExampleSpec.of(FeatureSpec.varLen("i_scalar", DType.INT64));
    try (RowFileWriter writer = format.create(dir.resolve("mismatch.arrow"), EVERY_KIND);
        Batch chunk = TestRows.parse(other, List.of(Map.of("i_scalar", new long[] {1, 2})))) {
      assertThatThrownBy(() -> writer.write(chunk, 1, new int[1], new long[1], new long[1]))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("columns");
    }
    ExampleSpec fixedInsteadOfRagged = ExampleSpec.of(FeatureSpec.varLen("x", DType.FLOAT32));
    try (RowFileWriter writer = format.create(dir.resolve("kind.arrow"), fixedInsteadOfRagged);
        Batch chunk = TestRows.parse(ExampleSpec.of(FeatureSpec.fixed("x", DType.FLOAT32)),
            List.of(Map.of("x", new float[] {1f})))) {
      assertThatThrownBy(() -> writer.write(chunk, 1, new int[1], new long[1], new long[1]))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("column 'x'");
    }
  }

  @Test
  void aFileClosedBeforeFinishIsRefusedNamingIt() throws Exception {
    Path file = dir.resolve("unfinished.arrow");
    try (Batch chunk = TestRows.parse(EVERY_KIND, List.of(row(1)))) {
      try (RowFileWriter writer = format.create(file, EVERY_KIND)) {
        writer.write(chunk, 1, new int[1], new long[1], new long[1]);
      }
    }
    assertThat(Files.size(file)).isPositive();
    assertRefused(file);
  }

  @Test
  void aTruncatedFileIsRefusedNamingItWhereverItWasCut() throws Exception {
    Path whole = dir.resolve("whole.arrow");
    try (Batch chunk = TestRows.parse(EVERY_KIND, List.of(row(1), row(2)))) {
      writeOneChunk(whole, EVERY_KIND, chunk, 2);
    }
    byte[] bytes = Files.readAllBytes(whole);
    for (int length : new int[] {0, 5, bytes.length / 3, bytes.length / 2, bytes.length - 7,
        bytes.length - 1}) {
      Path cut = dir.resolve("cut-" + length + ".arrow");
      Files.write(cut, java.util.Arrays.copyOf(bytes, length));
      assertRefused(cut);
    }
  }

  @Test
  void aFileThatIsNotArrowIsRefusedNamingIt() throws Exception {
    Path text = dir.resolve("notes.arrow");
    Files.writeString(text, "label,features\n1,0.5\n".repeat(20));
    assertRefused(text);
    Path random = dir.resolve("random.arrow");
    byte[] noise = new byte[4096];
    new java.util.Random(42).nextBytes(noise);
    Files.write(random, noise);
    assertRefused(random);
  }

  @Test
  void anArrowFileWithoutTheOriginColumnsIsRefusedNamingIt() throws Exception {
    Path file = dir.resolve("plain.arrow");
    var schema = new org.apache.arrow.vector.types.pojo.Schema(List.of(
        org.apache.arrow.vector.types.pojo.Field.notNullable("label",
            new org.apache.arrow.vector.types.pojo.ArrowType.Int(64, true))));
    try (var allocator = new org.apache.arrow.memory.RootAllocator();
        var root = org.apache.arrow.vector.VectorSchemaRoot.create(schema, allocator);
        var channel = java.nio.channels.FileChannel.open(file,
            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
        var writer = new org.apache.arrow.vector.ipc.ArrowFileWriter(root, null, channel)) {
      writer.start();
      writer.end();
    }
    assertRefused(file);
  }

  @Test
  void theChunkIsOwnedByTheReader() throws Exception {
    Path file = dir.resolve("owned.arrow");
    try (Batch chunk = TestRows.parse(EVERY_KIND, List.of(row(1)))) {
      writeOneChunk(file, EVERY_KIND, chunk, 1);
    }
    try (RowFileReader reader = format.open(file)) {
      assertThatThrownBy(reader::chunk).isInstanceOf(IllegalStateException.class);
      assertThat(reader.next()).isTrue();
      Batch chunk = reader.chunk();
      assertThat(chunk.refCnt()).isEqualTo(1);
      assertThat(chunk.retain()).isSameAs(chunk);
      assertThat(chunk.release()).isFalse();
      assertThat(chunk.release()).isTrue();
      assertThatThrownBy(chunk::release).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> reader.sourceFile(1)).isInstanceOf(IndexOutOfBoundsException.class);
      assertThat(reader.next()).isFalse();
      assertThatThrownBy(reader::chunk).isInstanceOf(IllegalStateException.class);
    }
  }

  private void assertRefused(Path file) {
    assertThatThrownBy(() -> format.open(file).close())
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString());
  }

  private void writeOneChunk(Path file, ExampleSpec spec, Batch chunk, int rows)
      throws IOException {
    try (RowFileWriter writer = format.create(file, spec)) {
      writer.write(chunk, rows, sourceFiles(0, chunk.rows()), records(0, chunk.rows()),
          offsets(0, chunk.rows()));
      writer.finish();
    }
  }

  static int[] sourceFiles(int first, int rows) {
    int[] files = new int[rows];
    for (int r = 0; r < rows; r++) {
      files[r] = (first + r) % 3;
    }
    return files;
  }

  static long[] records(int first, int rows) {
    long[] records = new long[rows];
    for (int r = 0; r < rows; r++) {
      records[r] = 1000L + first + r;
    }
    return records;
  }

  static long[] offsets(int first, int rows) {
    long[] offsets = new long[rows];
    for (int r = 0; r < rows; r++) {
      offsets[r] = (1L << 40) + 17L * (first + r);
    }
    return offsets;
  }

  /** A row of {@link #EVERY_KIND} with values that differ with {@code seed}. */
  static Map<String, Object> row(int seed) {
    return Map.of(
        "i_scalar", new long[] {-seed * 1_000_000_007L},
        "i_fixed", new long[] {seed, 2, 3, 4, 5, Long.MIN_VALUE + seed},
        "i_var", new long[] {seed, -seed, Long.MAX_VALUE},
        "f_scalar", new float[] {seed / 3f},
        "f_fixed", new float[] {seed, Float.NaN, -0.0f, 1e-40f, Float.MAX_VALUE, -seed},
        "f_var", new float[] {seed + 0.5f},
        "b_scalar", List.of(("cat " + seed).getBytes(StandardCharsets.UTF_8)),
        "b_fixed", List.of(new byte[0], new byte[] {0, (byte) seed, (byte) 0xff}),
        "b_var", List.of("ä".getBytes(StandardCharsets.UTF_8), new byte[0], new byte[] {9}));
  }

  /** A row whose var-len features are empty and whose byte strings are empty. */
  static Map<String, Object> emptyRow(int seed) {
    return Map.of(
        "i_scalar", new long[] {seed},
        "i_fixed", new long[6],
        "i_var", new long[0],
        "f_scalar", new float[] {seed},
        "f_fixed", new float[6],
        "f_var", new float[0],
        "b_scalar", List.of(new byte[0]),
        "b_fixed", List.of(new byte[0], new byte[0]));
  }
}
