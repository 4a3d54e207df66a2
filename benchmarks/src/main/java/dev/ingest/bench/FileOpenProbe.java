package dev.ingest.bench;

import dev.ingest.tfrecord.TFRecordReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

/**
 * What opening a TFRecord file costs the reading thread: for each file of a folder, pass after
 * pass, the time from {@code open} to the first record (the reader's first read, 256 KiB) and,
 * for comparison, the time per 256 KiB of the rest of the file. A pipeline over shards of a few
 * MiB opens a file every few milliseconds per reader, so a slow first read shows in its
 * records/s. Uses only public API, so it also runs from source against an older benchmarks jar
 * for an A/B comparison:
 *
 * <pre>
 *   java -cp benchmarks.jar FileOpenProbe.java DATA_DIR [PASSES]
 * </pre>
 *
 * Reads the files once before the timed passes and prints the KiB the machine paged in during
 * them (from {@code /proc/vmstat}): anything but about 0 means a pass read from disk.
 */
public final class FileOpenProbe {
  private static final int WARMUP_PASSES = 5;
  private static final double BLOCK_BYTES = 256 * 1024;

  private FileOpenProbe() {}

  public static void main(String[] args) throws IOException {
    List<Path> files;
    try (Stream<Path> listed = Files.list(Path.of(args[0]))) {
      files = listed.filter(path -> path.toString().endsWith(".tfrecord")).sorted().toList();
    }
    int passes = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    List<Double> firstMicros = new ArrayList<>();
    List<Double> blockMicros = new ArrayList<>();
    long pagedInBefore = 0;
    for (int pass = 0; pass < WARMUP_PASSES + passes; pass++) {
      if (pass == WARMUP_PASSES) {
        pagedInBefore = pagedInKiB();
      }
      for (Path file : files) {
        long opened = System.nanoTime();
        try (TFRecordReader reader = TFRecordReader.open(file)) {
          if (!reader.advance()) {
            continue;
          }
          long first = System.nanoTime();
          long firstEnd = reader.nextRecordOffset();
          while (reader.advance()) {
            // Only the time counts.
          }
          long end = System.nanoTime();
          long restBytes = reader.nextRecordOffset() - firstEnd;
          if (pass >= WARMUP_PASSES && restBytes > 0) {
            firstMicros.add((first - opened) / 1e3);
            blockMicros.add((end - first) / 1e3 / (restBytes / BLOCK_BYTES));
          }
        }
      }
    }
    long pagedIn = pagedInKiB() - pagedInBefore;
    System.out.printf("open to first record: median %.1f us (p10 %.1f, p90 %.1f); "
            + "rest of the file per 256 KiB: median %.1f us (p10 %.1f, p90 %.1f); "
            + "%d files x %d passes; paged in %d KiB%n",
        percentile(firstMicros, 50), percentile(firstMicros, 10), percentile(firstMicros, 90),
        percentile(blockMicros, 50), percentile(blockMicros, 10), percentile(blockMicros, 90),
        files.size(), passes, pagedIn);
  }

  private static double percentile(List<Double> values, int percent) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, sorted.size() * percent / 100));
  }

  /** KiB paged in machine-wide so far, or 0 where {@code /proc/vmstat} is not there. */
  private static long pagedInKiB() throws IOException {
    Path vmstat = Path.of("/proc/vmstat");
    if (!Files.isReadable(vmstat)) {
      return 0;
    }
    for (String line : Files.readAllLines(vmstat)) {
      if (line.startsWith("pgpgin ")) {
        return Long.parseLong(line.substring("pgpgin ".length()).trim());
      }
    }
    return 0;
  }
}
