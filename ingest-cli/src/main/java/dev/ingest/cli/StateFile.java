package dev.ingest.cli;

import dev.ingest.PipelineState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes {@code --save-state}'s file whole or not at all: under a name beside it ({@code
 * .partial}), forced to the device, then moved onto its own name in one atomic step. A write
 * that fails (a full disk) deletes what it wrote and leaves an earlier state file as it was, so
 * that no half-written state is ever taken for one.
 */
final class StateFile {
  private StateFile() {}

  /**
   * Where {@code file} is written before it is moved in whole: beside it, with {@code .partial}
   * (the digest log is written the same way).
   */
  static Path partial(Path file) {
    Path target = file.toAbsolutePath();
    return target.resolveSibling(target.getFileName() + ".partial");
  }

  /** Writes {@code state} as {@code file}, atomically; on failure nothing of it is left. */
  static void write(Path file, PipelineState state) throws IOException {
    Path partial = partial(file);
    try {
      try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
        ByteBuffer bytes = ByteBuffer.wrap(state.toBytes());
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
        channel.force(true);
      }
      Files.move(partial, file.toAbsolutePath(), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(partial);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }
}
