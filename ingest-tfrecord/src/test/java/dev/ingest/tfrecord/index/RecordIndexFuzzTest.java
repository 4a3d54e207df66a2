package dev.ingest.tfrecord.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ingest.CorruptIndexException;
import dev.ingest.fuzz.FuzzSeed;
import dev.ingest.tfrecord.MaskedCrc32c;
import dev.ingest.tfrecord.TFRecordFormat;
import dev.ingest.tfrecord.TFRecordReaderOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Feeds the record index's sidecar decoder any bytes: as they come (almost always refused by the
 * magic or the checksum), or with their checksum made right, so that the fuzzer reaches the
 * fields behind it (the identity's length, the record count, the lengths).
 *
 * <p>The invariant: only {@link CorruptIndexException} escapes; no length or count in the bytes
 * makes the decoder allocate more than the sidecar could describe (a hostile count or key length
 * is refused, not an {@link OutOfMemoryError}); and an index it accepts is one a reader can use:
 * records in order, each length between 0 and the largest record a reader takes, ending at the
 * shard size it records. The inputs under {@code RecordIndexFuzzTestInputs/} replay in every test
 * run.
 */
class RecordIndexFuzzTest {
  private static final Path SIDECAR = Path.of("fuzz.tfrecord.idx");

  @FuzzTest(maxDuration = "60s")
  void decodeSidecar(FuzzedDataProvider data) throws CorruptIndexException {
    boolean fixChecksum = data.consumeBoolean();
    byte[] bytes = data.consumeRemainingAsBytes();
    if (fixChecksum && bytes.length >= 4) {
      withChecksum(bytes);
    }
    RecordIndex index;
    try {
      index = RecordIndex.decode(SIDECAR, bytes);
    } catch (CorruptIndexException refused) {
      assertThat(refused.getMessage()).contains(SIDECAR.toString());
      return;
    }
    long end = 0;
    for (long i = 0; i < index.count(); i++) {
      assertThat(index.offset(i)).as("offset of record %d", i).isEqualTo(end);
      assertThat(index.length(i)).as("length of record %d", i)
          .isBetween(0L, TFRecordReaderOptions.MAX_RECORD_BYTES_LIMIT);
      end = index.offset(i) + TFRecordFormat.FRAMING_BYTES + index.length(i);
    }
    assertThat(end).as("end of the last record").isEqualTo(index.shardSize());
    assertThat(RecordIndex.decode(SIDECAR, index.encode())).as("decodes what it encodes")
        .satisfies(again -> assertThat(again.count()).isEqualTo(index.count()));
  }

  /** A version-1 sidecar, as the class comment of {@link RecordIndex} lays it out. */
  private static byte[] sidecar(long shardSize, int kind, byte[] identity, int[] lengths) {
    ByteBuffer out = ByteBuffer.allocate(64 + identity.length + 2 * lengths.length)
        .order(ByteOrder.LITTLE_ENDIAN);
    out.put(RecordIndex.MAGIC.getBytes(java.nio.charset.StandardCharsets.US_ASCII))
        .put((byte) RecordIndex.VERSION).putLong(shardSize).put((byte) kind).put(identity)
        .putLong(lengths.length);
    for (int length : lengths) {
      Varints.put(out, length);
    }
    out.putInt(0);
    byte[] bytes = Arrays.copyOf(out.array(), out.position());
    withChecksum(bytes);
    return bytes;
  }

  /** Overwrites the last 4 bytes with the masked CRC32C of those before, as a writer does. */
  static void withChecksum(byte[] bytes) {
    int checked = bytes.length - 4;
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(checked, MaskedCrc32c.of(new CRC32C(), bytes, 0, checked));
  }

  /**
   * Writes the seed inputs into the committed corpus (run once, from the module's folder, with
   * {@code -Dfuzz.writeSeeds=true}): valid sidecars of both identity kinds, and one whose
   * identity claims a key of 2^31 - 1 bytes.
   */
  @Test
  @EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = "true")
  void writeSeeds() throws IOException {
    Path inputs = Path.of("src/test/resources/dev/ingest/tfrecord/index/"
        + "RecordIndexFuzzTestInputs/decodeSidecar");
    int[] lengths = {5, 200, 0};
    long shardSize = 3 * 16 + 205;
    byte[] byTime = sidecar(shardSize, 1, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(1_700_000_000_000L).array(), lengths);
    new FuzzSeed().bool(false).bytes(byTime).writeTo(inputs, "valid-modified-time");
    byte[] etag = "\"etag-1\"".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] keyed = new byte[etag.length + 1];
    keyed[0] = (byte) etag.length;
    System.arraycopy(etag, 0, keyed, 1, etag.length);
    byte[] byKey = sidecar(shardSize, 2, keyed, lengths);
    new FuzzSeed().bool(false).bytes(byKey).writeTo(inputs, "valid-etag");
    byte[] hostile = Arrays.copyOf(byKey, 64);
    // The ETag's varint length, right after magic, version, size and kind: 2^31 - 1.
    int at = RecordIndex.MAGIC.length() + 1 + 8 + 1;
    byte[] huge = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};
    System.arraycopy(huge, 0, hostile, at, huge.length);
    new FuzzSeed().bool(true).bytes(hostile).writeTo(inputs, "identity-key-2-pow-31");
  }
}
