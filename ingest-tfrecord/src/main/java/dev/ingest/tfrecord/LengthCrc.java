package dev.ingest.tfrecord;

/**
 * The masked CRC32C of a record's 8-byte little-endian length, computed from the {@code long}
 * with slicing-by-8 tables: every record's header needs it, and for small records the call into
 * {@link java.util.zip.CRC32C} for 8 bytes cost as much as checksumming the data itself.
 *
 * <p>Stateless and thread-safe.
 */
final class LengthCrc {
  private static final int CASTAGNOLI_REFLECTED = 0x82F63B78;
  /** {@code TABLES[k][b]}: the CRC of byte {@code b} followed by {@code k} zero bytes. */
  private static final int[][] TABLES = tables();

  private LengthCrc() {}

  /** The masked CRC32C of {@code length}'s 8 little-endian bytes. */
  static int masked(long length) {
    int low = (int) length ^ 0xFFFFFFFF;
    int high = (int) (length >>> 32);
    int crc = TABLES[7][low & 0xFF]
        ^ TABLES[6][(low >>> 8) & 0xFF]
        ^ TABLES[5][(low >>> 16) & 0xFF]
        ^ TABLES[4][low >>> 24]
        ^ TABLES[3][high & 0xFF]
        ^ TABLES[2][(high >>> 8) & 0xFF]
        ^ TABLES[1][(high >>> 16) & 0xFF]
        ^ TABLES[0][high >>> 24];
    return MaskedCrc32c.mask(~crc);
  }

  private static int[][] tables() {
    int[][] tables = new int[8][256];
    for (int b = 0; b < 256; b++) {
      int crc = b;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 1) != 0 ? (crc >>> 1) ^ CASTAGNOLI_REFLECTED : crc >>> 1;
      }
      tables[0][b] = crc;
    }
    for (int k = 1; k < 8; k++) {
      for (int b = 0; b < 256; b++) {
        int previous = tables[k - 1][b];
        tables[k][b] = (previous >>> 8) ^ tables[0][previous & 0xFF];
      }
    }
    return tables;
  }
}
