package dev.ingest.tfrecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ingest.CorruptRecordException;
import dev.ingest.CorruptionPolicy;
import dev.ingest.RecordReadException;
import dev.ingest.fuzz.FuzzFiles;
import dev.ingest.fuzz.FuzzSeed;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Feeds the framing reader files nobody chose: any bytes, or well-framed records then damaged,
 * plain, GZIP or ZLIB, read with every compression setting, both corruption policies, CRCs on or
 * off, and buffers from one byte up.
 *
 * <p>The invariant: the only exceptions are the typed ones the reader documents ({@link
 * CorruptRecordException}, and {@link RecordReadException} for bytes that cannot be read), and
 * only under {@link CorruptionPolicy#FAIL}; a failed reader stays failed; a length in a header
 * is refused before anything is allocated for it (no {@link OutOfMemoryError}); every buffer
 * goes back to the allocator, counted exactly after each input; and undamaged records read back
 * as written. The inputs under {@code TFRecordReaderFuzzTestInputs/} replay in every test run.
 */
class TFRecordReaderFuzzTest {
  private static final Compression[] FILE_COMPRESSIONS =
      {Compression.NONE, Compression.GZIP, Compression.ZLIB};
  private static final CountingAllocator ALLOCATOR = new CountingAllocator();
  private static final Path FILE = FuzzFiles.scratchFile("fuzz", ".tfrecord");

  @FuzzTest(maxDuration = "60s")
  void readFraming(FuzzedDataProvider data) throws IOException {
    Compression written = data.pickValue(FILE_COMPRESSIONS);
    Compression readAs = data.consumeBoolean() ? Compression.AUTO : data.pickValue(
        Compression.values());
    CorruptionPolicy policy = data.pickValue(CorruptionPolicy.values());
    boolean verifyCrc = data.consumeBoolean();
    boolean deferDataCrc = data.consumeBoolean();
    boolean retain = data.consumeBoolean();
    int readBufferSize = data.consumeInt(1, 512);
    // Small limits reach the oversized-record path; the largest, a header's hostile length.
    long maxRecordBytes = data.consumeBoolean() ? data.consumeLong(0, 4096)
        : TFRecordReaderOptions.MAX_RECORD_BYTES_LIMIT;
    boolean framed = data.consumeBoolean();

    List<byte[]> records = new ArrayList<>();
    byte[] stream;
    boolean damaged;
    if (framed) {
      int count = data.consumeInt(0, 8);
      for (int i = 0; i < count; i++) {
        records.add(data.consumeBytes(data.consumeInt(0, 300)));
      }
      stream = ReferenceFraming.frame(records);
      damaged = damage(data, stream);
    } else {
      stream = data.consumeRemainingAsBytes();
      damaged = true;
    }
    byte[] file = compress(stream, written);
    if (data.consumeBoolean() && file.length > 0) {
      file = Arrays.copyOf(file, data.consumeInt(0, file.length - 1));
      damaged = true;
    }
    Files.write(FILE, file);

    TFRecordReaderOptions options = TFRecordReaderOptions.defaults()
        .withCompression(readAs)
        .withOnCorrupt(policy)
        .withVerifyCrc(verifyCrc)
        .withDeferredDataCrc(deferDataCrc)
        .withReadBufferSize(readBufferSize)
        .withMaxRecordBytes(maxRecordBytes)
        .withAllocator(ALLOCATOR);
    List<byte[]> read = new ArrayList<>();
    List<ByteBuf> retained = new ArrayList<>();
    boolean failed = false;
    try (TFRecordReader reader = TFRecordReader.open(FILE, options)) {
      try {
        for (ByteBuf record = reader.next(); record != null; record = reader.next()) {
          read.add(ByteBufUtil.getBytes(record));
          if (retain && read.size() % 2 == 1) {
            retained.add(record.retain());
          }
        }
      } catch (CorruptRecordException | RecordReadException e) {
        assertThat(policy).as("a problem thrown under skip: %s", e).isEqualTo(CorruptionPolicy.FAIL);
        assertThatThrownBy(reader::next).as("a failed reader stays failed").isSameAs(e);
        failed = true;
      }
      for (int i = 0; i < retained.size(); i++) {
        assertThat(ByteBufUtil.getBytes(retained.get(i)))
            .as("retained record %d changed while later ones were read", i)
            .isEqualTo(read.get(2 * i));
      }
    } finally {
      retained.forEach(ByteBuf::release);
    }
    assertThat(ALLOCATOR.liveBuffers()).as("buffers not given back").isZero();

    boolean readable = readAs == Compression.AUTO || readAs == written;
    boolean fits = records.stream().allMatch(record -> record.length <= maxRecordBytes);
    if (framed && !damaged && readable && fits) {
      assertThat(failed).as("an undamaged file failed").isFalse();
      assertThat(read).as("records of an undamaged file").containsExactlyElementsOf(records);
    }
  }

  /**
   * Writes the seed inputs into the committed corpus (run once, from the module's folder, with
   * {@code -Dfuzz.writeSeeds=true}): a valid file of each compression read as it is detected,
   * the same damaged under skip, and a header whose length claims 2^60 bytes.
   */
  @Test
  @EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = "true")
  void writeSeeds() throws IOException {
    Path inputs = Path.of("src/test/resources/dev/ingest/tfrecord/TFRecordReaderFuzzTestInputs/"
        + "readFraming");
    byte[][] records = {new byte[0], "hello".getBytes(java.nio.charset.StandardCharsets.UTF_8),
        new byte[40]};
    for (int c = 0; c < FILE_COMPRESSIONS.length; c++) {
      for (CorruptionPolicy policy : CorruptionPolicy.values()) {
        FuzzSeed seed = new FuzzSeed().pick(c, FILE_COMPRESSIONS.length).bool(true)
            .pick(policy.ordinal(), 2).bool(true).bool(false).bool(true).number(16, 1, 512)
            .bool(true).number(4096, 0, 4096).bool(true).number(records.length, 0, 8);
        for (byte[] record : records) {
          seed.number(record.length, 0, 300).bytes(record);
        }
        boolean damaged = policy == CorruptionPolicy.SKIP;
        if (damaged) {
          // The second record's data CRC no longer matches: skipped, the others read.
          seed.number(1, 0, 3).number(16 + 12 + 2, 0, 16 * 3 + 45 - 1).oneByte((byte) 'X');
        } else {
          seed.number(0, 0, 3);
        }
        seed.bool(false).writeTo(inputs, "valid-" + FILE_COMPRESSIONS[c].wireName()
            + (damaged ? "-damaged-skip" : ""));
      }
    }
    byte[] hostile = new byte[16];
    java.nio.ByteBuffer.wrap(hostile).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(1L << 60)
        .putInt(MaskedCrc32c.of(new java.util.zip.CRC32C(), hostile, 0, 8));
    new FuzzSeed().pick(0, 3).bool(true).pick(0, 2).bool(true).bool(false).bool(false)
        .number(256, 1, 512).bool(false).bool(false).bytes(hostile)
        .writeTo(inputs, "length-2-pow-60");
  }

  /** Maybe overwrites a few bytes of {@code stream} (in place); says whether it did. */
  private static boolean damage(FuzzedDataProvider data, byte[] stream) {
    int changes = data.consumeInt(0, 3);
    boolean changed = false;
    for (int i = 0; i < changes && stream.length > 0; i++) {
      int at = data.consumeInt(0, stream.length - 1);
      byte value = data.consumeByte();
      changed |= stream[at] != value;
      stream[at] = value;
    }
    return changed;
  }

  static byte[] compress(byte[] stream, Compression compression) throws IOException {
    if (compression == Compression.NONE) {
      return stream;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = compression == Compression.GZIP
        ? new GZIPOutputStream(bytes) : new DeflaterOutputStream(bytes)) {
      out.write(stream);
    }
    return bytes.toByteArray();
  }
}
