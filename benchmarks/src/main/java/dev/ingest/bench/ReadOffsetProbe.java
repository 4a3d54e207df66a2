package dev.ingest.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * How fast the kernel copies a file from the page cache into a direct buffer, by how far the
 * destination lies past the file's own offset within a 4 KiB page. Reads every file of a folder
 * with 256 KiB {@code FileChannel} reads from page-aligned file offsets into a buffer at a
 * page-aligned address plus a shift, for each shift in turn, round after round, and prints GB/s
 * per shift and round. This is why {@code TFRecordReader} aligns its reads (docs/tfrecord.md,
 * "Aligned reads"): a shift of 8 or 16 bytes, where Netty's pooled memory puts a file's first
 * read, was several times slower than 0.
 *
 * <pre>
 *   java -cp benchmarks.jar dev.ingest.bench.ReadOffsetProbe DATA_DIR [ROUNDS [SHIFT...]]
 * </pre>
 *
 * Read the files once before (the first round does it too, and is slower for it).
 */
public final class ReadOffsetProbe {
  private static final int PAGE = 4096;
  private static final int READ_BYTES = 256 * 1024;

  private ReadOffsetProbe() {}

  public static void main(String[] args) throws IOException {
    List<Path> files;
    try (Stream<Path> listed = Files.list(Path.of(args[0]))) {
      files = listed.filter(Files::isRegularFile).sorted().toList();
    }
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int[] shifts = args.length > 2
        ? Stream.of(args).skip(2).mapToInt(Integer::parseInt).toArray()
        : new int[] {0, 8, 16, 32, 64, 1000, 4080};
    ByteBuffer memory = ByteBuffer.allocateDirect(READ_BYTES + 2 * PAGE);
    int aligned = memory.alignmentOffset(0, PAGE) == 0 ? 0 : PAGE - memory.alignmentOffset(0, PAGE);
    for (int round = 1; round <= rounds; round++) {
      StringBuilder line = new StringBuilder("round " + round + ":");
      for (int shift : shifts) {
        if (shift < 0 || shift >= PAGE) {
          throw new IllegalArgumentException("a shift is in [0, " + PAGE + "), got " + shift);
        }
        ByteBuffer target = memory.duplicate();
        long bytes = 0;
        long start = System.nanoTime();
        for (Path file : files) {
          try (FileChannel channel = FileChannel.open(file)) {
            for (long position = 0; ; ) {
              target.limit(aligned + shift + READ_BYTES).position(aligned + shift);
              int read = channel.read(target, position);
              if (read <= 0) {
                break;
              }
              position += read;
              bytes += read;
            }
          }
        }
        double gbPerSecond = bytes / (double) (System.nanoTime() - start);
        line.append(String.format(Locale.ROOT, "  +%d: %.2f GB/s", shift, gbPerSecond));
      }
      System.out.println(line);
    }
  }
}
