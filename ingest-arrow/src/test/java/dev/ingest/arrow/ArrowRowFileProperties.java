package dev.ingest.arrow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.Batch;
import dev.ingest.DType;
import dev.ingest.ExampleSpec;
import dev.ingest.FeatureSpec;
import dev.ingest.spi.RowFileReader;
import dev.ingest.spi.RowFileWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Any spec (dtypes, scalar, fixed shapes with a zero or several dimensions, var-len), any chunk
 * sizes (zero included), any values: what is read back is what was written, chunk by chunk, with
 * its origins, and the spec comes back equal.
 */
class ArrowRowFileProperties {
  private static final List<String> NAMES = List.of("a", "b", "_c", "d.e", "f/g", "z");
  private Path dir;

  @BeforeProperty
  void makeDirectory() throws Exception {
    dir = Files.createTempDirectory("arrow-rows");
  }

  @AfterProperty
  void deleteDirectory() throws Exception {
    try (var files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(dir);
  }

  @Property(tries = 150)
  void whatIsReadIsWhatWasWritten(@ForAll long seed) throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    ExampleSpec spec = spec(random);
    Path file = dir.resolve(seed + ".arrow");
    List<List<Map<String, List<Object>>>> written = new ArrayList<>();
    List<long[]> origins = new ArrayList<>();
    try (RowFileWriter writer = new ArrowRowFileFormat().create(file, spec)) {
      int chunks = random.nextInt(0, 5);
      for (int c = 0; c < chunks; c++) {
        int rows = random.nextInt(0, 9);
        List<Map<String, Object>> values = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
          values.add(row(spec, random));
        }
        int kept = rows == 0 ? 0 : random.nextInt(0, rows + 1);
        int[] sourceFiles = new int[rows];
        long[] records = new long[rows];
        long[] offsets = new long[rows];
        for (int r = 0; r < kept; r++) {
          sourceFiles[r] = random.nextInt(0, Integer.MAX_VALUE);
          records[r] = random.nextLong(0, Long.MAX_VALUE);
          offsets[r] = random.nextLong(0, Long.MAX_VALUE);
          origins.add(new long[] {sourceFiles[r], records[r], offsets[r]});
        }
        try (Batch chunk = TestRows.parse(spec, values)) {
          written.add(TestRows.rows(chunk, 0, kept));
          writer.write(chunk, kept, sourceFiles, records, offsets);
        }
      }
      writer.finish();
    }

    try (RowFileReader reader = new ArrowRowFileFormat().open(file)) {
      assertThat(reader.features()).isEqualTo(spec);
      assertThat(reader.rows()).isEqualTo(origins.size());
      int row = 0;
      for (List<Map<String, List<Object>>> expected : written) {
        assertThat(reader.next()).isTrue();
        assertThat(TestRows.rows(reader.chunk(), 0, reader.chunk().rows())).isEqualTo(expected);
        for (int r = 0; r < expected.size(); r++, row++) {
          assertThat(new long[] {reader.sourceFile(r), reader.record(r), reader.offset(r)})
              .containsExactly(origins.get(row));
        }
      }
      assertThat(reader.next()).isFalse();
    }
  }

  private static ExampleSpec spec(SplittableRandom random) {
    List<String> names = new ArrayList<>(NAMES);
    int count = random.nextInt(1, names.size() + 1);
    List<FeatureSpec> features = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = names.remove(random.nextInt(names.size()));
      DType dtype = DType.values()[random.nextInt(DType.values().length)];
      switch (random.nextInt(4)) {
        case 0 -> features.add(FeatureSpec.varLen(name, dtype));
        case 1 -> features.add(FeatureSpec.fixed(name, dtype));
        case 2 -> features.add(FeatureSpec.fixed(name, dtype, random.nextInt(0, 4)));
        default -> features.add(FeatureSpec.fixed(name, dtype, 2, random.nextInt(1, 3), 1));
      }
    }
    return new ExampleSpec(features);
  }

  private static Map<String, Object> row(ExampleSpec spec, SplittableRandom random) {
    Map<String, Object> row = new HashMap<>();
    for (FeatureSpec feature : spec.features()) {
      int count = feature.varLen() ? random.nextInt(0, 6) : feature.elementCount();
      switch (feature.dtype()) {
        case INT64 -> row.put(feature.name(), random.longs(count).toArray());
        case FLOAT32 -> {
          float[] floats = new float[count];
          for (int i = 0; i < count; i++) {
            floats[i] = Float.intBitsToFloat(random.nextInt());
          }
          row.put(feature.name(), floats);
        }
        default -> {
          List<byte[]> strings = new ArrayList<>();
          for (int i = 0; i < count; i++) {
            byte[] bytes = new byte[random.nextInt(0, 7)];
            random.nextBytes(bytes);
            strings.add(bytes);
          }
          row.put(feature.name(), strings);
        }
      }
    }
    return row;
  }
}
