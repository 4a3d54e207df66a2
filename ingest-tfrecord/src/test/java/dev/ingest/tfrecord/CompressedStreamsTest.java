package dev.ingest.tfrecord;

import static dev.ingest.tfrecord.TestRecords.randomRecords;
import static dev.ingest.tfrecord.TestRecords.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ingest.CorruptRecordException;
import dev.ingest.CorruptionPolicy;
import dev.ingest.RecordProblem;
import dev.ingest.RecordProblem.Kind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GZIP and ZLIB files made by standard tools, not only by our writer: TensorFlow compresses the
 * whole file as one stream, so anything gzip or zlib can produce must read back.
 */
class CompressedStreamsTest {
  @TempDir Path dir;

  private final List<byte[]> records = randomRecords(20, 0, 5, 3000, 1, 70_000, 12, 0, 400);
  private final byte[] plain = ReferenceFraming.frame(records);

  @Test
  void gzipFlushedAfterEveryByte() throws IOException {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(compressed, 512, true)) {
      writeByteByByteFlushing(gzip);
    }
    assertReadsBack(compressed.toByteArray(), Compression.GZIP);
  }

  @Test
  void zlibFlushedAfterEveryByte() throws IOException {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (DeflaterOutputStream zlib = new DeflaterOutputStream(compressed, new Deflater(), 512, true)) {
      writeByteByByteFlushing(zlib);
    }
    assertReadsBack(compressed.toByteArray(), Compression.ZLIB);
  }

  @Test
  void concatenatedGzipMembers() throws IOException {
    // `cat a.gz b.gz > c.gz` is a valid gzip file; the split falls inside a record on purpose.
    int split = 7000;
    byte[] first = gzip(Arrays.copyOfRange(plain, 0, split), Deflater.BEST_SPEED);
    byte[] second = gzip(Arrays.copyOfRange(plain, split, plain.length), Deflater.BEST_COMPRESSION);
    byte[] third = gzip(new byte[0], Deflater.DEFAULT_COMPRESSION);
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    joined.writeBytes(first);
    joined.writeBytes(third);
    joined.writeBytes(second);
    assertReadsBack(joined.toByteArray(), Compression.GZIP);
  }

  @Test
  void everyZlibLevelAndStoredBlocks() throws IOException {
    for (int level = 0; level <= 9; level++) {
      Deflater deflater = new Deflater(level);
      try {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (DeflaterOutputStream zlib = new DeflaterOutputStream(compressed, deflater)) {
          zlib.write(plain);
        }
        assertReadsBack(compressed.toByteArray(), Compression.ZLIB);
      } finally {
        deflater.end();
      }
    }
  }

  @Test
  void autoDetectsWhateverTheFileIsCalled() throws IOException {
    Path gz = Files.write(dir.resolve("looks-plain.tfrecord"), gzip(plain, 6));
    Path zz = Files.write(dir.resolve("looks-gzip.gz"), zlib(plain));
    Path raw = Files.write(dir.resolve("looks-zlib.zz"), plain);
    for (Path file : List.of(gz, zz, raw)) {
      try (TFRecordReader reader = TFRecordReader.open(file)) {
        assertThat(reader.next()).isNotNull();
      }
      assertThat(readAll(file)).as("%s", file).containsExactlyElementsOf(records);
    }
  }

  @Test
  void plainFileWhoseLengthLooksLikeAZlibHeaderIsDetectedAsPlain() throws IOException {
    // Length 0x9c78: its first two bytes 78 9c are the most common zlib header.
    List<byte[]> tricky = randomRecords(21, 0x9c78);
    byte[] bytes = ReferenceFraming.frame(tricky);
    assertThat(Compression.detect(ByteBuffer.wrap(bytes, 0, 2))).isEqualTo(Compression.ZLIB);
    assertThat(Compression.detect(ByteBuffer.wrap(bytes))).isEqualTo(Compression.NONE);
    Path file = Files.write(dir.resolve("tricky"), bytes);
    assertThat(readAll(file)).containsExactlyElementsOf(tricky);
  }

  @Test
  void garbageInsideAGzipStreamIsBadCompression() throws IOException {
    byte[] compressed = gzip(plain, 6);
    // After the 10-byte gzip header, bits 1-2 of the first deflate byte are the block type; 11
    // is reserved, so no decoder can read on. (Random garbage may still decode, and would then
    // be caught by the record CRCs instead.)
    compressed[10] |= 0x06;
    Path file = Files.write(dir.resolve("bad.gz"), compressed);
    assertThatThrownBy(() -> readAll(file))
        .isInstanceOfSatisfying(CorruptRecordException.class, e -> {
          assertThat(e.problem().kind()).isEqualTo(Kind.BAD_COMPRESSION);
          assertThat(e.problem().file()).isEqualTo(file);
        })
        .hasMessageContaining("bad compression");
  }

  @Test
  void plainFileReadAsGzipIsBadCompression() throws IOException {
    Path file = Files.write(dir.resolve("plain"), plain);
    TFRecordReaderOptions options = TFRecordReaderOptions.defaults().withCompression(Compression.GZIP);
    assertThatThrownBy(() -> readAll(file, options))
        .isInstanceOfSatisfying(CorruptRecordException.class,
            e -> assertThat(e.problem().kind()).isEqualTo(Kind.BAD_COMPRESSION));
  }

  @Test
  void gzipCutShortIsTruncatedAndKeepsTheRecordsBeforeTheCut() throws IOException {
    byte[] compressed = gzip(plain, 6);
    Path file = Files.write(dir.resolve("short.gz"), Arrays.copyOf(compressed, compressed.length - 10));
    List<RecordProblem> problems = new ArrayList<>();
    TFRecordReaderOptions options =
        TFRecordReaderOptions.defaults().withOnCorrupt(CorruptionPolicy.SKIP)
            .withProblemListener(problems::add);
    List<byte[]> read = readAll(file, options);
    assertThat(read).isNotEmpty().containsExactlyElementsOf(records.subList(0, read.size()));
    assertThat(problems).singleElement().extracting(RecordProblem::kind).isEqualTo(Kind.TRUNCATED);
  }

  @Test
  void corruptRecordInsideAValidGzipStreamIsADataCrcProblem() throws IOException {
    byte[] damaged = plain.clone();
    damaged[TFRecordFormat.HEADER_BYTES] ^= 1; // record 0 is empty: this is its data CRC
    Path file = Files.write(dir.resolve("crc.gz"), gzip(damaged, 6));
    assertThatThrownBy(() -> readAll(file))
        .isInstanceOfSatisfying(CorruptRecordException.class, e -> {
          assertThat(e.problem().kind()).isEqualTo(Kind.DATA_CRC);
          assertThat(e.problem().offset()).isZero();
        });
  }

  private void writeByteByByteFlushing(OutputStream out) throws IOException {
    for (byte b : plain) {
      out.write(b);
      out.flush();
    }
  }

  private void assertReadsBack(byte[] compressed, Compression compression) throws IOException {
    Path file = Files.write(dir.resolve("file-" + compression), compressed);
    assertThat(readAll(file, TFRecordReaderOptions.defaults().withCompression(compression)))
        .containsExactlyElementsOf(records);
    assertThat(readAll(file)).as("auto-detected").containsExactlyElementsOf(records);
    try (TFRecordReader reader = TFRecordReader.open(file)) {
      assertThat(reader.compression()).isEqualTo(compression);
    }
  }

  private static byte[] gzip(byte[] bytes, int level) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out) {
      {
        def.setLevel(level);
      }
    }) {
      gzip.write(bytes);
    }
    return out.toByteArray();
  }

  private static byte[] zlib(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream zlib = new DeflaterOutputStream(out)) {
      zlib.write(bytes);
    }
    return out.toByteArray();
  }

  @Test
  void detectingAnOpenFilesCompressionLeavesItsPosition() throws IOException {
    Path gzip = dir.resolve("g.tfrecord.gz");
    try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(gzip))) {
      out.write(new byte[100]);
    }
    Path empty = Files.createFile(dir.resolve("empty.tfrecord"));
    try (FileChannel channel = FileChannel.open(gzip)) {
      channel.position(3);
      assertThat(Compression.detect(channel)).isEqualTo(Compression.GZIP);
      assertThat(channel.position()).isEqualTo(3);
    }
    try (FileChannel channel = FileChannel.open(empty)) {
      assertThat(Compression.detect(channel)).isEqualTo(Compression.NONE);
    }
  }
}
