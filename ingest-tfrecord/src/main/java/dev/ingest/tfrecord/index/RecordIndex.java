package dev.ingest.tfrecord.index;

import static dev.ingest.tfrecord.TFRecordFormat.FRAMING_BYTES;

import dev.ingest.CorruptIndexException;
import dev.ingest.CorruptionPolicy;
import dev.ingest.StaleIndexException;
import dev.ingest.tfrecord.Compression;
import dev.ingest.tfrecord.MaskedCrc32c;
import dev.ingest.tfrecord.StoragePaths;
import dev.ingest.tfrecord.TFRecordReader;
import dev.ingest.tfrecord.TFRecordReaderOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The byte offset and payload length of every record of one uncompressed TFRecord shard, so that
 * a reader can go straight to record {@code i} ({@link TFRecordReader#seek}). It lives beside its
 * shard as a sidecar file, {@code <shard name>.idx} ({@link #sidecarOf}), written by {@code
 * ingest index}.
 *
 * <h2>Sidecar format, version 1</h2>
 *
 * <pre>
 *   magic           8 bytes   "INGESTIX"
 *   version         1 byte    1
 *   shard size      8 bytes   little-endian, the shard's size in bytes when indexed
 *   identity kind   1 byte    1: last-modified time in ms (8 bytes, little-endian, follow)
 *                             2: the store's ETag (an unsigned varint length, then UTF-8)
 *   record count    8 bytes   little-endian
 *   lengths         count unsigned varints (LEB128), each record's payload length
 *   checksum        4 bytes   little-endian masked CRC32C of every byte before it
 * </pre>
 *
 * Offsets are not stored: a record's frame is its payload and {@value
 * dev.ingest.tfrecord.TFRecordFormat#FRAMING_BYTES} bytes of header and CRCs, so {@code
 * offset(0) = 0} and {@code offset(i + 1) = offset(i) + 16 + length(i)}. A length under 128 takes
 * one byte, which keeps an index of small records near one byte per record.
 *
 * <h2>Trust</h2>
 *
 * {@link #loadBeside} checks the sidecar against the shard as it is now: a sidecar that is not
 * an index, of another version, cut short or with a wrong checksum is a {@link
 * CorruptIndexException}; one written for a shard of another size or identity (see {@link
 * ShardIdentity}) is a {@link StaleIndexException}. Either names the {@code ingest index} command
 * that writes it again.
 *
 * <p>Immutable. Loaded, {@link #offset} and {@link #length} are O(1): the offsets are held in one
 * {@code long[]} (8 bytes a record), which limits an index to {@link Integer#MAX_VALUE} - 1
 * records.
 */
public final class RecordIndex {
  /** The sidecar's first bytes. */
  public static final String MAGIC = "INGESTIX";
  /** The one sidecar format this build reads and writes. */
  public static final int VERSION = 1;
  /** The sidecar's name is its shard's name with this after it. */
  public static final String SUFFIX = ".idx";

  private static final byte[] MAGIC_BYTES = MAGIC.getBytes(StandardCharsets.US_ASCII);
  private static final int CHECKSUM_BYTES = 4;

  private final ShardIdentity shard;
  /** {@code offsets[i]} is record i's header; {@code offsets[count]} is the end of the shard. */
  private final long[] offsets;

  private RecordIndex(ShardIdentity shard, long[] offsets) {
    this.shard = shard;
    this.offsets = offsets;
  }

  /** {@code <shard name>.idx} in the shard's folder. */
  public static Path sidecarOf(Path shard) {
    return shard.resolveSibling(shard.getFileName().toString() + SUFFIX);
  }

  /** Indexes {@code shard} read with the default reader options (see the other overload). */
  public static RecordIndex build(Path shard) throws IOException {
    return build(shard, TFRecordReaderOptions.defaults());
  }

  /**
   * Reads every record of {@code shard}, checking both CRCs, and indexes it. The options' read
   * settings apply (a store's read-ahead, the buffer size); their compression is detected and
   * their corruption policy is {@code fail} whatever they say, as an index of a file with a
   * skipped record would point into garbage.
   *
   * @throws CompressedShardException if the shard is GZIP or ZLIB compressed
   * @throws dev.ingest.CorruptRecordException at the shard's first corrupt record
   * @throws IOException if the shard cannot be read, or changed while it was read
   */
  public static RecordIndex build(Path shard, TFRecordReaderOptions options) throws IOException {
    ShardIdentity identity = ShardIdentity.of(shard);
    TFRecordReaderOptions strict = options.withCompression(Compression.AUTO)
        .withOnCorrupt(CorruptionPolicy.FAIL).withVerifyCrc(true).withDeferredDataCrc(false);
    long[] offsets = new long[16];
    int count = 0;
    long end = 0;
    try (TFRecordReader reader = TFRecordReader.open(shard, strict)) {
      Compression compression = reader.compression();
      if (compression != Compression.NONE) {
        throw new CompressedShardException(shard, compression);
      }
      while (reader.advance()) {
        if (count + 1 >= offsets.length) {
          offsets = Arrays.copyOf(offsets, grownCapacity(shard, offsets.length));
        }
        offsets[count++] = reader.recordOffset();
        end = reader.recordOffset() + FRAMING_BYTES + reader.recordLength();
      }
    }
    if (end != identity.size()) {
      throw new IOException("cannot index " + shard + ": it changed while it was read (" + end
          + " bytes of records, " + identity.size() + " bytes when indexing began)");
    }
    offsets[count] = end;
    return new RecordIndex(identity, Arrays.copyOf(offsets, count + 1));
  }

  private static int grownCapacity(Path shard, int capacity) {
    if (capacity >= Integer.MAX_VALUE - 8) {
      throw new UnsupportedOperationException("cannot index " + shard + ": it has more than "
          + (Integer.MAX_VALUE - 9) + " records, the most one index holds");
    }
    return (int) Math.min((long) capacity * 2, Integer.MAX_VALUE - 8);
  }

  /** The number of records. */
  public long count() {
    return offsets.length - 1;
  }

  /** The byte offset of record {@code i}'s header in the shard. */
  public long offset(long i) {
    return offsets[checked(i)];
  }

  /** The payload length of record {@code i}, without its 16 bytes of framing. */
  public long length(long i) {
    int index = checked(i);
    return offsets[index + 1] - offsets[index] - FRAMING_BYTES;
  }

  /** The shard's size in bytes when it was indexed. */
  public long shardSize() {
    return shard.size();
  }

  private int checked(long i) {
    if (i < 0 || i >= count()) {
      throw new IndexOutOfBoundsException("record " + i + " of " + count());
    }
    return (int) i;
  }

  /** The size of the sidecar this index writes, in bytes. */
  public int encodedSize() {
    return encode().length;
  }

  /**
   * Writes {@link #sidecarOf} the shard, replacing one that is there, so that a reader sees the
   * old sidecar or the new one whole: on the local disk through a hidden temporary file in the
   * same folder, renamed over it; on an object store by one upload, which appears whole.
   *
   * @return the sidecar written
   */
  public Path writeBeside(Path shardPath) throws IOException {
    Path sidecar = sidecarOf(shardPath);
    byte[] bytes = encode();
    if (!StoragePaths.isLocal(sidecar)) {
      Files.write(sidecar, bytes);
      return sidecar;
    }
    Path folder = sidecar.toAbsolutePath().getParent();
    Path temporary = Files.createTempFile(folder, "." + sidecar.getFileName() + ".", ".tmp");
    boolean moved = false;
    try {
      try (OutputStream out = Files.newOutputStream(temporary)) {
        out.write(bytes);
      }
      Files.move(temporary, sidecar, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      moved = true;
    } finally {
      if (!moved) {
        Files.deleteIfExists(temporary);
      }
    }
    return sidecar;
  }

  /**
   * Reads the sidecar of {@code shardPath} and checks it against the shard as it is now.
   *
   * @throws NoSuchFileException if there is no sidecar (naming it and the command that writes it)
   *     or no shard
   * @throws CorruptIndexException if the sidecar is not a whole version-1 index
   * @throws StaleIndexException if the shard's size or identity is not what the index recorded
   */
  public static RecordIndex loadBeside(Path shardPath) throws IOException {
    Path sidecar = sidecarOf(shardPath);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(sidecar);
    } catch (NoSuchFileException e) {
      NoSuchFileException missing = new NoSuchFileException(sidecar.toString(), null,
          "no record index; write it with: ingest index " + shardPath);
      missing.initCause(e);
      throw missing;
    }
    RecordIndex index = decode(sidecar, bytes);
    ShardIdentity now = ShardIdentity.of(shardPath);
    ShardIdentity then = index.shard;
    if (now.size() != then.size()) {
      throw new StaleIndexException(sidecar, shardPath, "size in bytes",
          Long.toString(then.size()), Long.toString(now.size()));
    }
    if (now.kind() != then.kind()) {
      throw new StaleIndexException(sidecar, shardPath, "identity",
          then.kind().description + " " + then.value(), now.kind().description + " "
              + now.value());
    }
    if (!now.value().equals(then.value())) {
      throw new StaleIndexException(sidecar, shardPath, then.kind().description, then.value(),
          now.value());
    }
    return index;
  }

  byte[] encode() {
    byte[] key = shard.kind() == ShardIdentity.Kind.FILE_KEY
        ? shard.value().getBytes(StandardCharsets.UTF_8) : null;
    int size = MAGIC_BYTES.length + 1 + 8 + 1
        + (key == null ? 8 : Varints.size(key.length) + key.length) + 8 + CHECKSUM_BYTES;
    for (int i = 0; i < count(); i++) {
      size += Varints.size(length(i));
    }
    ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC_BYTES).put((byte) VERSION).putLong(shard.size()).put((byte) shard.kind().code);
    if (key == null) {
      out.putLong(Long.parseLong(shard.value()));
    } else {
      Varints.put(out, key.length);
      out.put(key);
    }
    out.putLong(count());
    for (int i = 0; i < count(); i++) {
      Varints.put(out, length(i));
    }
    out.putInt(MaskedCrc32c.of(new CRC32C(), out.array(), 0, out.position()));
    return out.array();
  }

  static RecordIndex decode(Path sidecar, byte[] bytes) throws CorruptIndexException {
    int magicPresent = Math.min(bytes.length, MAGIC_BYTES.length);
    if (!Arrays.equals(bytes, 0, magicPresent, MAGIC_BYTES, 0, magicPresent)) {
      throw new CorruptIndexException(sidecar, "it is not a record index (it does not start"
          + " with " + MAGIC + ")");
    }
    if (bytes.length <= MAGIC_BYTES.length) {
      throw truncated(sidecar, bytes);
    }
    int version = bytes[MAGIC_BYTES.length] & 0xff;
    if (version != VERSION) {
      throw new CorruptIndexException(sidecar, "its format version is " + version
          + ", and this build reads version " + VERSION);
    }
    if (bytes.length < MAGIC_BYTES.length + 1 + 8 + 1 + 8 + CHECKSUM_BYTES) {
      throw truncated(sidecar, bytes);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int checked = bytes.length - CHECKSUM_BYTES;
    int stored = in.getInt(checked);
    int actual = MaskedCrc32c.of(new CRC32C(), bytes, 0, checked);
    if (stored != actual) {
      throw new CorruptIndexException(sidecar, "its checksum does not match its bytes (it was"
          + " cut short or changed): stored " + Integer.toHexString(stored) + ", computed "
          + Integer.toHexString(actual));
    }
    in.limit(checked).position(MAGIC_BYTES.length + 1);
    try {
      long shardSize = in.getLong();
      ShardIdentity.Kind kind = ShardIdentity.Kind.ofCode(in.get() & 0xff);
      if (kind == null) {
        throw new CorruptIndexException(sidecar, "its shard identity is of an unknown kind");
      }
      String value;
      if (kind == ShardIdentity.Kind.MODIFIED_MILLIS) {
        value = Long.toString(in.getLong());
      } else {
        long keyLength = Varints.get(in);
        // A length is only a claim: one longer than the bytes left is refused before allocating.
        if (keyLength < 0 || keyLength > in.remaining()) {
          throw new CorruptIndexException(sidecar, "its shard identity says " + keyLength
              + " bytes and " + in.remaining() + " are left");
        }
        byte[] key = new byte[(int) keyLength];
        in.get(key);
        value = new String(key, StandardCharsets.UTF_8);
      }
      long count = in.getLong();
      // Each length takes at least a byte: a count above the bytes left is no index's.
      if (count < 0 || count > in.remaining()) {
        throw new CorruptIndexException(sidecar, "it says " + count + " records and has "
            + in.remaining() + " bytes of lengths");
      }
      long[] offsets = new long[(int) count + 1];
      for (int i = 0; i < count; i++) {
        long length = Varints.get(in);
        // No reader takes a longer record; a longer "length" (up to 2^64 - 1) would make the
        // offsets wrap around and the index point anywhere.
        if (length < 0 || length > TFRecordReaderOptions.MAX_RECORD_BYTES_LIMIT) {
          throw new CorruptIndexException(sidecar, "record " + i + " has the length "
              + Long.toUnsignedString(length) + ", more than any record can have");
        }
        offsets[i + 1] = offsets[i] + FRAMING_BYTES + length;
      }
      if (in.hasRemaining()) {
        throw new CorruptIndexException(sidecar, in.remaining() + " bytes follow the lengths of"
            + " its " + count + " records");
      }
      if (offsets[(int) count] != shardSize) {
        throw new CorruptIndexException(sidecar, "its records add up to "
            + offsets[(int) count] + " bytes, and it says the shard has " + shardSize);
      }
      return new RecordIndex(new ShardIdentity(shardSize, kind, value), offsets);
    } catch (java.nio.BufferUnderflowException | ArithmeticException e) {
      CorruptIndexException corrupt =
          new CorruptIndexException(sidecar, "it ends inside a field it says it has");
      corrupt.initCause(e);
      throw corrupt;
    }
  }

  private static CorruptIndexException truncated(Path sidecar, byte[] bytes) {
    return new CorruptIndexException(sidecar, "it ends after " + bytes.length
        + " bytes, before its header does");
  }
}
