package dev.ingest.runtime.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Files that appear whole or not at all: written under a temporary name beside their own, forced
 * to the device, then renamed with {@link StandardCopyOption#ATOMIC_MOVE}. A reader sees the old
 * file, or no file, or the whole new one; a writer killed midway leaves only its temporary file,
 * which its name marks as such ({@link CacheLayout#temporary}).
 */
final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes {@code lines} (UTF-8, each ending in a line break) as {@code target}, atomically. */
  static void writeLines(Path target, List<String> lines) throws IOException {
    StringBuilder text = new StringBuilder();
    lines.forEach(line -> text.append(line).append('\n'));
    Path temporary = CacheLayout.temporary(target);
    try {
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE)) {
        ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
        channel.force(true);
      }
      publish(temporary, target);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /**
   * Renames the whole file {@code temporary} to {@code target}, replacing it. The caller forced
   * its bytes to the device first, so that the new name never points at unwritten data.
   */
  static void publish(Path temporary, Path target) throws IOException {
    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }
}
