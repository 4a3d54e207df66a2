package dev.ingest.spi;

import java.nio.file.OpenOption;

/**
 * Asks a remote store's read channel to keep reads in flight ahead of the reader: up to {@code
 * depth} ranged reads of {@code blockBytes} each, so that the next bytes are on their way before
 * they are asked for and a first byte's latency is paid once per object, not once per read.
 *
 * <p>Passed as an {@link OpenOption} to {@link java.nio.file.Files#newByteChannel} of a path of a
 * remote file system (such as {@code s3://}); the local file system does not take it (the kernel
 * reads ahead there). Either value may be {@link #AUTO}: then the block is {@link
 * #AUTO_BLOCK_BYTES} and the channel finds the depth itself, from the latency and transfer rate it
 * measures, up to {@link #AUTO_MAX_DEPTH}. A channel never holds more than {@link
 * #maxBytesInFlight()} of its object at once, which is what a pipeline counts against its memory
 * budget for each file it has open.
 *
 * @param blockBytes bytes per ranged read, or {@link #AUTO}
 * @param depth ranged reads in flight at most, or {@link #AUTO}
 */
public record ReadAhead(int blockBytes, int depth) implements OpenOption {
  /** Let the channel choose. */
  public static final int AUTO = 0;
  /** The block of an {@link #AUTO} block size. */
  public static final int AUTO_BLOCK_BYTES = 1 << 20;
  /** The most reads an {@link #AUTO} depth keeps in flight. */
  public static final int AUTO_MAX_DEPTH = 16;
  /** The smallest block: below this, a request's overhead outweighs its bytes. */
  public static final int MIN_BLOCK_BYTES = 4096;
  /** The largest block: one ranged read is held whole in memory. */
  public static final int MAX_BLOCK_BYTES = 256 << 20;
  /** The most reads in flight per object. */
  public static final int MAX_DEPTH = 256;

  public ReadAhead {
    if (blockBytes != AUTO && (blockBytes < MIN_BLOCK_BYTES || blockBytes > MAX_BLOCK_BYTES)) {
      throw new IllegalArgumentException("read-ahead block_size must be auto or between "
          + MIN_BLOCK_BYTES + " and " + MAX_BLOCK_BYTES + " bytes, not " + blockBytes);
    }
    if (depth != AUTO && (depth < 1 || depth > MAX_DEPTH)) {
      throw new IllegalArgumentException(
          "read-ahead depth must be auto or between 1 and " + MAX_DEPTH + ", not " + depth);
    }
  }

  /** Block size and depth both {@link #AUTO}. */
  public static ReadAhead auto() {
    return new ReadAhead(AUTO, AUTO);
  }

  /** The block size in bytes, {@link #AUTO_BLOCK_BYTES} for {@link #AUTO}. */
  public int effectiveBlockBytes() {
    return blockBytes == AUTO ? AUTO_BLOCK_BYTES : blockBytes;
  }

  /** Whether the channel chooses the depth. */
  public boolean adaptiveDepth() {
    return depth == AUTO;
  }

  /** The most reads in flight: the depth, or {@link #AUTO_MAX_DEPTH} for {@link #AUTO}. */
  public int maxDepth() {
    return depth == AUTO ? AUTO_MAX_DEPTH : depth;
  }

  /** The most bytes of one object a channel holds at once: every block in flight, full. */
  public long maxBytesInFlight() {
    return (long) effectiveBlockBytes() * maxDepth();
  }

  /** As in YAML: {@code block_size=auto|N, depth=auto|N}. */
  @Override
  public String toString() {
    return "block_size=" + (blockBytes == AUTO ? "auto" : Integer.toString(blockBytes))
        + ", depth=" + (depth == AUTO ? "auto" : Integer.toString(depth));
  }
}
