package dev.ingest;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One problem found in a record file: where it is and what is wrong.
 *
 * <p>Immutable and safe to share between threads.
 *
 * @param file the file that holds the record
 * @param offset byte offset of the record's header in the record stream: for a plain file the
 *     offset in the file itself, for GZIP and ZLIB files the offset in the decompressed stream
 *     (the detail then also says where decompression broke)
 * @param recordIndex zero-based index of the record in the file
 * @param kind what is wrong
 * @param detail a human sentence with the specifics (expected and actual CRC, lengths)
 */
public record RecordProblem(Path file, long offset, long recordIndex, Kind kind, String detail) {

  /** What is wrong with a record. {@link #wireName()} is the name used in JSON reports. */
  public enum Kind {
    /** The masked CRC32C of the 8-byte length does not match: the framing is lost. */
    LENGTH_CRC("length_crc", "corrupted"),
    /** The masked CRC32C of the payload does not match: the record is damaged, framing is intact. */
    DATA_CRC("data_crc", "corrupted"),
    /** The file ends inside a header, a payload or a footer. */
    TRUNCATED("truncated", "truncated"),
    /** The length is above the configured maximum; nothing was allocated for it. */
    TOO_LARGE("too_large", "too large"),
    /** The GZIP or ZLIB stream cannot be decompressed. */
    BAD_COMPRESSION("bad_compression", "bad compression"),
    /**
     * The file's bytes could not be read (an object store that still fails after its retries, a
     * disk error): the bytes are not known to be bad, but the rest of the file cannot be had.
     * Under {@link CorruptionPolicy#FAIL} it is thrown as a {@link RecordReadException}, an I/O
     * failure, not as corrupt data.
     */
    READ_ERROR("read_error", "unreadable");

    private final String wireName;
    private final String verb;

    Kind(String wireName, String verb) {
      this.wireName = wireName;
      this.verb = verb;
    }

    /** The stable name used in JSON reports ({@code length_crc}, {@code data_crc}, ...). */
    public String wireName() {
      return wireName;
    }

    /** True when reading can go on with the next record of the same file. */
    public boolean framingIntact() {
      return this == DATA_CRC || this == TOO_LARGE;
    }
  }

  public RecordProblem {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(detail, "detail");
  }

  /** For example {@code "data/a.tfrecord: corrupted at offset 1048 (record 3): data CRC ..."}. */
  public String describe() {
    return file + ": " + kind.verb + " at offset " + offset + " (record " + recordIndex + "): " + detail;
  }
}
