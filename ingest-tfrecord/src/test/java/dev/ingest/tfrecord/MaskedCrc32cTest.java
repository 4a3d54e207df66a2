package dev.ingest.tfrecord;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class MaskedCrc32cTest {

  @Test
  void matchesPublishedCrc32cCheckValues() {
    // RFC 3720 (iSCSI) B.4 and the CRC catalogue's check value for "123456789".
    assertThat(rawCrc("123456789".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0xE3069283);
    assertThat(rawCrc(new byte[32])).isEqualTo(0x8A9136AA);
    byte[] ones = new byte[32];
    java.util.Arrays.fill(ones, (byte) 0xFF);
    assertThat(rawCrc(ones)).isEqualTo(0x62A8AB43);
  }

  @Test
  void masksAsTensorFlowDoes() {
    // TensorFlow's crc32c::Mask: rotate right by 15 bits, add 0xa282ead8.
    int crc = 0xE3069283;
    int expected = ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    assertThat(MaskedCrc32c.mask(crc)).isEqualTo(expected);
    assertThat(MaskedCrc32c.mask(crc)).isNotEqualTo(crc);
  }

  @Property
  void unmaskInvertsMask(@ForAll int crc) {
    assertThat(MaskedCrc32c.unmask(MaskedCrc32c.mask(crc))).isEqualTo(crc);
  }

  @Property
  void agreesWithBitwiseReferenceOnHeapAndDirectMemory(@ForAll byte[] bytes) {
    int expected = ReferenceFraming.maskedCrc32c(bytes, 0, bytes.length);
    assertThat(MaskedCrc32c.of(bytes)).isEqualTo(expected);
    ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    assertThat(MaskedCrc32c.of(new CRC32C(), direct)).isEqualTo(expected);
  }

  private static int rawCrc(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    return (int) crc.getValue();
  }

  @Property
  void lengthCrcFromTheLongEqualsTheCrcOfItsBytes(@ForAll long length) {
    byte[] bytes = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(length).array();
    assertThat(LengthCrc.masked(length)).isEqualTo(ReferenceFraming.maskedCrc32c(bytes, 0, 8));
  }
}
