package dev.ingest.runtime.cache;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A complete file cache's table of contents ({@code PREFIX.manifest}): the {@link
 * CacheFingerprint} of what it was filled from, then the size of each cache file, then a closing
 * line. Written last, atomically, once every file is in place; a cache without it is incomplete.
 *
 * <pre>
 *   ingest-cache=1
 *   ...                       the fingerprint's lines
 *   cached.0=3145728          bytes of PREFIX.00000.tfrecord
 *   cached.1=3146240
 *   complete=true
 * </pre>
 *
 * @param fingerprint what the cache was filled from
 * @param cachedBytes the size of each cache file, in the fingerprint's file order
 */
record CacheManifest(CacheFingerprint fingerprint, List<Long> cachedBytes) {
  private static final String CACHED = "cached.";
  private static final String CLOSING_LINE = "complete=true";

  CacheManifest {
    cachedBytes = List.copyOf(cachedBytes);
  }

  /**
   * The manifest in {@code file}, or {@code null} if there is none.
   *
   * @throws IOException if it cannot be read, or is not a whole manifest (the message names it)
   */
  static CacheManifest read(Path file) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException absent) {
      return null;
    }
    if (lines.isEmpty() || !lines.get(lines.size() - 1).equals(CLOSING_LINE)) {
      throw new IOException("the cache manifest " + file + " does not end with '"
          + CLOSING_LINE + "': it is not one ingest wrote whole; delete the cache's files");
    }
    List<Long> cachedBytes = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith(CACHED)) {
        int equals = line.indexOf('=');
        try {
          cachedBytes.add(Long.parseLong(line.substring(equals + 1)));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
          throw new IOException("the cache manifest " + file + " has a bad line '" + line + "'");
        }
      }
    }
    return new CacheManifest(CacheFingerprint.parse(lines), cachedBytes);
  }

  /** Writes the manifest as {@code file}, atomically. */
  void write(Path file) throws IOException {
    List<String> lines = new ArrayList<>(fingerprint.lines());
    for (int i = 0; i < cachedBytes.size(); i++) {
      lines.add(CACHED + i + "=" + cachedBytes.get(i));
    }
    lines.add(CLOSING_LINE);
    AtomicFiles.writeLines(file, lines);
  }
}
