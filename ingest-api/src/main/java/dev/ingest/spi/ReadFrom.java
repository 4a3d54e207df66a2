package dev.ingest.spi;

import java.nio.file.OpenOption;

/**
 * Asks a remote store's read channel to start its read-ahead at {@code position} rather than at
 * the object's first byte: a channel opened to read one range from its middle (a record read
 * through an index) then sends one request, not a first one for bytes it never reads. The
 * channel's position starts there too. The local file system does not take it.
 *
 * @param position the byte the first read starts at, at least 0
 */
public record ReadFrom(long position) implements OpenOption {
  public ReadFrom {
    if (position < 0) {
      throw new IllegalArgumentException("a read starts at byte 0 or later, not " + position);
    }
  }
}
