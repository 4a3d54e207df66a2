package dev.ingest.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One second of a soak: the gauges ({@link ProcessGauges}) and how far the pipeline had got
 * (batches taken and resumes done since the start). One line of the soak's CSV.
 */
record SoakSample(double seconds, double heapMiB, double heapAfterGcMiB, double nettyDirectMiB,
    double jdkDirectMiB, double rssMiB, int threads, int fds, long batches, long resumes) {

  static final String CSV_HEADER = "seconds,heap_mb,heap_after_gc_mb,direct_mb,netty_direct_mb,"
      + "jdk_direct_mb,rss_mb,threads,fds,batches,resumes";

  static SoakSample of(double seconds, ProcessGauges.Reading reading, long batches,
      long resumes) {
    return new SoakSample(seconds, reading.heapMiB(), reading.heapAfterGcMiB(),
        reading.nettyDirectMiB(), reading.jdkDirectMiB(), reading.rssMiB(), reading.threads(),
        reading.fds(), batches, resumes);
  }

  /** Netty's pooled direct memory and the JDK's direct buffers together. */
  double directMiB() {
    return nettyDirectMiB + jdkDirectMiB;
  }

  String toCsv() {
    return String.format(Locale.ROOT, "%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%d,%d,%d,%d", seconds,
        heapMiB, heapAfterGcMiB, directMiB(), nettyDirectMiB, jdkDirectMiB, rssMiB, threads, fds,
        batches, resumes);
  }

  static SoakSample fromCsv(String line) {
    String[] cells = line.split(",");
    if (cells.length != CSV_HEADER.split(",").length) {
      throw new IllegalArgumentException("not a soak sample: " + line);
    }
    return new SoakSample(Double.parseDouble(cells[0]), Double.parseDouble(cells[1]),
        Double.parseDouble(cells[2]), Double.parseDouble(cells[4]), Double.parseDouble(cells[5]),
        Double.parseDouble(cells[6]), Integer.parseInt(cells[7]), Integer.parseInt(cells[8]),
        Long.parseLong(cells[9]), Long.parseLong(cells[10]));
  }

  static void writeCsv(Path file, List<SoakSample> samples) throws IOException {
    StringBuilder out = new StringBuilder(CSV_HEADER).append('\n');
    samples.forEach(sample -> out.append(sample.toCsv()).append('\n'));
    Files.writeString(file, out, StandardCharsets.UTF_8);
  }

  static List<SoakSample> readCsv(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.isEmpty() || !lines.get(0).equals(CSV_HEADER)) {
      throw new IllegalArgumentException(file + " does not start with " + CSV_HEADER);
    }
    return lines.stream().skip(1).filter(line -> !line.isBlank()).map(SoakSample::fromCsv)
        .toList();
  }
}
