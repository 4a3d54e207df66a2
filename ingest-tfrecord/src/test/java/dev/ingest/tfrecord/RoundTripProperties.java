package dev.ingest.tfrecord;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class RoundTripProperties {

  @Property(tries = 200)
  void anyRecordsRoundTripThroughWriterAndReader(
      @ForAll @Size(max = 40) List<@Size(max = 3000) byte[]> records,
      @ForAll Compression compression,
      @ForAll @IntRange(min = 1, max = 9000) int readBufferSize)
      throws IOException {
    Compression written = compression == Compression.AUTO ? Compression.NONE : compression;
    Path dir = Files.createTempDirectory("roundtrip");
    try {
      Path file = TestRecords.write(dir.resolve("f"), written, records);
      TFRecordReaderOptions options =
          TFRecordReaderOptions.defaults().withCompression(compression)
              .withReadBufferSize(readBufferSize);
      assertThat(TestRecords.readAll(file, options)).containsExactlyElementsOf(records);
      if (written == Compression.NONE) {
        assertThat(Files.readAllBytes(file)).isEqualTo(ReferenceFraming.frame(records));
      }
    } finally {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }
}
