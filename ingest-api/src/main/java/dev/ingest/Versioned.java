package dev.ingest;

/**
 * A user function that says which version of its output it computes, for caches kept in files: a
 * {@link RowMapper} or {@link RowFilter} listed before a {@code cache} whose files outlive the run
 * must implement it (or be given a version in the YAML config, {@code version: "2"}), so that a
 * cache filled by an older version of the function is refused instead of served. Change the
 * version whenever the function's output changes.
 */
public interface Versioned {

  /** The version of this function's output, such as {@code "2"} or a date; never empty. */
  String version();
}
