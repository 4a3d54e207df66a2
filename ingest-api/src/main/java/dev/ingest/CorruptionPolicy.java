package dev.ingest;

/**
 * What a source does when a record is corrupt (tf.data's {@code ignore_errors} made explicit).
 *
 * <ul>
 *   <li>{@link #FAIL} (the default): the first problem ends the read with a {@link CorruptRecordException}.
 *   <li>{@link #SKIP}: the problem is counted and reported to a listener. A record whose framing is
 *       intact (a bad data CRC, a record over the size limit) is skipped and reading goes on with
 *       the next record; a problem that leaves the framing unknown (a bad length CRC, truncation,
 *       a broken compressed stream) ends the file, and reading goes on with the next file. A
 *       reader never spins on the same bytes.
 * </ul>
 */
public enum CorruptionPolicy {
  FAIL,
  SKIP;

  /** Parses the YAML and CLI spelling ({@code fail}, {@code skip}), ignoring case. */
  public static CorruptionPolicy parse(String text) {
    for (CorruptionPolicy policy : values()) {
      if (policy.name().equalsIgnoreCase(text.trim())) {
        return policy;
      }
    }
    throw new IllegalArgumentException("unknown corruption policy '" + text + "': expected fail or skip");
  }
}
