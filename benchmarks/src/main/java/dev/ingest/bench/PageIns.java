package dev.ingest.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The kernel's count of KiB paged in from disk ({@code pgpgin} in {@code /proc/vmstat}). It is
 * system-wide: a rise during a pass means something read from disk, perhaps our file after its
 * pages were evicted, perhaps another process on the machine.
 */
final class PageIns {
  private static final Path VMSTAT = Path.of("/proc/vmstat");

  private PageIns() {}

  /** KiB paged in since boot, or -1 where {@code /proc/vmstat} cannot be read (not Linux). */
  static long kib() {
    try {
      List<String> lines = Files.readAllLines(VMSTAT);
      for (String line : lines) {
        if (line.startsWith("pgpgin ")) {
          return Long.parseLong(line.substring("pgpgin ".length()).trim());
        }
      }
      return -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
