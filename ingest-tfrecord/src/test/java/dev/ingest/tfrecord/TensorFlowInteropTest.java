package dev.ingest.tfrecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Byte-for-byte interoperability with TensorFlow's C++ TFRecord writer and reader (through
 * TensorFlow Java, see {@link TensorFlowRecords}): files TensorFlow writes read back exactly with
 * our reader, files we write read back exactly with TensorFlow's, and both writers produce the
 * same framed bytes before compression.
 */
class TensorFlowInteropTest {
  private static final int ONE_MIB = 1 << 20;

  /**
   * Edge sizes (empty, one byte, larger than the reader's 256 KiB default buffer) and content
   * (all zeros, which compresses to almost nothing; random bytes, which do not compress) mixed
   * with a few hundred ordinary records, so that records straddle read buffers and deflate blocks.
   */
  private static final List<byte[]> RECORDS = records(new Random(0x7F_2EC0_4D5L));

  @TempDir Path directory;

  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "ZLIB"})
  void readsWhatTensorFlowWrote(Compression compression) throws IOException {
    Path file = directory.resolve("tensorflow.tfrecord");
    TensorFlowRecords.writeWithTensorFlow(file, RECORDS, tensorFlowName(compression));

    assertSameRecords(read(file, Compression.AUTO, compression), RECORDS);
    assertSameRecords(read(file, compression, compression), RECORDS);
  }

  /**
   * The same check with a read buffer that holds the whole decompressed file, so that the
   * reader's chunk never moves: a failure here is in the format (framing, CRCs, TensorFlow's GZIP
   * and ZLIB streams), not in the reader's buffer management, which the test above adds.
   */
  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "ZLIB"})
  void readsWhatTensorFlowWroteIntoOneBuffer(Compression compression) throws IOException {
    Path file = directory.resolve("tensorflow.tfrecord");
    TensorFlowRecords.writeWithTensorFlow(file, RECORDS, tensorFlowName(compression));
    TFRecordReaderOptions wholeFile =
        TFRecordReaderOptions.defaults().withReadBufferSize(Math.toIntExact(framedBytes(RECORDS)));

    assertSameRecords(read(file, wholeFile, Compression.AUTO, compression), RECORDS);
    assertSameRecords(read(file, wholeFile, compression, compression), RECORDS);
  }

  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "ZLIB"})
  void tensorFlowReadsWhatWeWrote(Compression compression) throws IOException {
    Path file = directory.resolve("ingest.tfrecord");
    write(file, compression, RECORDS);

    assertSameRecords(
        TensorFlowRecords.readWithTensorFlow(file, tensorFlowName(compression)), RECORDS);
  }

  /**
   * Reading each other's files could still pass if both sides shared a mistake that cancels out;
   * identical framed bytes rule that out. Compressed bytes may differ (zlib flush points and
   * buffer sizes are each writer's own choice), so compressed files are compared decompressed.
   */
  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "ZLIB"})
  void writesTheSameFramedBytesAsTensorFlow(Compression compression) throws IOException {
    Path ours = directory.resolve("ingest.tfrecord");
    Path theirs = directory.resolve("tensorflow.tfrecord");
    write(ours, compression, RECORDS);
    TensorFlowRecords.writeWithTensorFlow(theirs, RECORDS, tensorFlowName(compression));

    byte[] ourFraming = decompress(ours, compression);
    byte[] theirFraming = decompress(theirs, compression);
    assertThat(theirFraming.length).isEqualTo(framedBytes(RECORDS));
    assertThat(Arrays.mismatch(ourFraming, theirFraming))
        .as("first differing byte of the decompressed framing, or -1")
        .isEqualTo(-1);
  }

  /** A compressed file with no records still has a stream header and trailer to get right. */
  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"NONE", "GZIP", "ZLIB"})
  void emptyFilesInteroperate(Compression compression) throws IOException {
    Path theirs = directory.resolve("tensorflow.tfrecord");
    TensorFlowRecords.writeWithTensorFlow(theirs, List.of(), tensorFlowName(compression));
    assertSameRecords(read(theirs, Compression.AUTO, compression), List.of());
    assertSameRecords(read(theirs, compression, compression), List.of());

    Path ours = directory.resolve("ingest.tfrecord");
    write(ours, compression, List.of());
    assertSameRecords(
        TensorFlowRecords.readWithTensorFlow(ours, tensorFlowName(compression)), List.of());
  }

  // ---- our side ----------------------------------------------------------------------------

  private static List<byte[]> read(Path file, Compression requested, Compression actual)
      throws IOException {
    return read(file, TFRecordReaderOptions.defaults(), requested, actual);
  }

  private static List<byte[]> read(
      Path file, TFRecordReaderOptions base, Compression requested, Compression actual)
      throws IOException {
    TFRecordReaderOptions options = base.withCompression(requested);
    List<byte[]> records = new ArrayList<>();
    try (TFRecordReader reader = TFRecordReader.open(file, options)) {
      assertThat(reader.compression()).as("compression of %s read as %s", file, requested)
          .isEqualTo(actual);
      ByteBuf record;
      while ((record = reader.next()) != null) {
        // The slice is only valid until the next call: keep a copy.
        records.add(ByteBufUtil.getBytes(record));
      }
      assertThat(reader.recordsRead()).isEqualTo(records.size());
      assertThat(reader.problems()).isZero();
    }
    return records;
  }

  private static void write(Path file, Compression compression, List<byte[]> records)
      throws IOException {
    try (TFRecordWriter writer = TFRecordWriter.open(file, compression)) {
      for (byte[] record : records) {
        writer.write(record);
      }
    }
  }

  // ---- helpers -----------------------------------------------------------------------------

  private static long framedBytes(List<byte[]> records) {
    return records.stream().mapToLong(record -> TFRecordFormat.FRAMING_BYTES + record.length).sum();
  }

  private static String tensorFlowName(Compression compression) {
    return switch (compression) {
      case NONE -> "";
      case GZIP -> "GZIP";
      case ZLIB -> "ZLIB";
      case AUTO -> throw new IllegalArgumentException("TensorFlow has no automatic compression");
    };
  }

  /** Decompresses with the JDK's zlib, independent of both writers and of our reader. */
  private static byte[] decompress(Path file, Compression compression) throws IOException {
    try (InputStream raw = Files.newInputStream(file);
        InputStream in =
            switch (compression) {
              case NONE -> raw;
              case GZIP -> new GZIPInputStream(raw);
              case ZLIB -> new InflaterInputStream(raw);
              case AUTO -> throw new IllegalArgumentException("auto is not a file format");
            }) {
      return in.readAllBytes();
    }
  }

  /**
   * Compares record by record and names the first difference, instead of printing megabytes of
   * array contents.
   */
  private static void assertSameRecords(List<byte[]> actual, List<byte[]> expected) {
    int common = Math.min(actual.size(), expected.size());
    for (int index = 0; index < common; index++) {
      byte[] got = actual.get(index);
      byte[] want = expected.get(index);
      int mismatch = Arrays.mismatch(got, want);
      if (mismatch >= 0) {
        fail("record %d differs: got %d bytes, expected %d; first difference at byte %d",
            index, got.length, want.length, mismatch);
      }
    }
    assertThat(actual.size()).as("number of records").isEqualTo(expected.size());
  }

  private static List<byte[]> records(Random random) {
    List<byte[]> records = new ArrayList<>();
    records.add(new byte[0]);
    records.add(new byte[] {0});
    records.add(new byte[] {(byte) 0xFF});
    records.add(randomBytes(random, 3 * 1024 + 7));
    records.add(new byte[4 * 1024]);
    records.add(randomBytes(random, ONE_MIB + 13));
    records.add(new byte[0]);
    records.add("plain UTF-8 text, unlike the binary records around it".getBytes(StandardCharsets.UTF_8));
    for (int index = 0; records.size() < 320; index++) {
      int length =
          switch (index % 8) {
            case 0 -> 0;
            case 1 -> random.nextInt(16);
            case 7 -> 8 * 1024 + random.nextInt(56 * 1024);
            default -> random.nextInt(2048);
          };
      records.add(index % 5 == 0 ? new byte[length] : randomBytes(random, length));
    }
    records.add(randomBytes(random, 5 * 1024));
    return List.copyOf(records);
  }

  private static byte[] randomBytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }
}
