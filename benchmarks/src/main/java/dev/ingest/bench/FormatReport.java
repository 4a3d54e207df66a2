package dev.ingest.bench;

import dev.ingest.bench.JmhResults.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the JMH JSON of {@link TFRecordReadBenchmark} and {@link MachineLimitsBenchmark} into a
 * Markdown report whose headline is the reader's throughput as a fraction of what the machine
 * allows, measured in the same run (see {@code PERFORMANCE.md}).
 *
 * <p>The per-thread limit of a pass that copies every byte once and checksums it once is {@code 1
 * / (1/copy + 1/crc32c)}, with the CRC32C bandwidth measured on pieces of the record's size; a
 * pass that skips the CRCs is held to the copy bandwidth alone. That is PERFORMANCE.md's limit
 * (limit A). The reader's own pattern gives a second one (limit B): {@code 1 / (1/pageCacheRead +
 * 1/crc32cInCache)}, a page-cache read into a buffer that stays in cache and a checksum of bytes
 * already in cache. All bandwidths are medians over iterations; the fraction's range pairs the
 * reader's worst iteration with the best limit and the other way round, so it is the widest the
 * data allows.
 *
 * <p>Usage: {@code FormatReport OUTPUT.md RESULT.json [RESULT.json ...]}; several result files
 * (rounds of the same suite) are merged.
 */
public final class FormatReport {
  static final double TARGET_FRACTION = 0.80;

  private static final String READER = "TFRecordReadBenchmark.";
  private static final String LIMITS = "MachineLimitsBenchmark.";
  private static final double MEGA = 1e6;

  /** The reader paths in the order the report lists them, with how they are described. */
  private static final List<ReaderPath> READER_PATHS =
      List.of(
          new ReaderPath("nextVerifyingCrc", "next(), CRC on (default)", true),
          new ReaderPath("advanceVerifyingCrc", "advance(), CRC on", true),
          new ReaderPath("nextWithoutCrc", "next(), CRC off", false),
          new ReaderPath("advanceWithoutCrc", "advance(), CRC off", false));

  record ReaderPath(String method, String description, boolean verifiesCrc) {}

  /** The machine's limits for one record size, in bytes per second (medians). */
  record Limits(
      int recordBytes, Spread copy, Spread crc32c, Spread pageCacheRead, Spread crc32cInCache) {
    /** The per-thread limit for a pass that copies and, if {@code verifiesCrc}, checksums. */
    double limit(boolean verifiesCrc) {
      return verifiesCrc ? perThreadLimit(copy.median(), crc32c.median()) : copy.median();
    }

    double bestLimit(boolean verifiesCrc) {
      return verifiesCrc ? perThreadLimit(copy.max(), crc32c.max()) : copy.max();
    }

    double worstLimit(boolean verifiesCrc) {
      return verifiesCrc ? perThreadLimit(copy.min(), crc32c.min()) : copy.min();
    }

    /** Limit B: a page-cache read and, if {@code verifiesCrc}, a checksum of cached bytes. */
    double readLimit(boolean verifiesCrc) {
      if (pageCacheRead.isEmpty() || (verifiesCrc && crc32cInCache.isEmpty())) {
        return Double.NaN;
      }
      return verifiesCrc
          ? perThreadLimit(pageCacheRead.median(), crc32cInCache.median())
          : pageCacheRead.median();
    }
  }

  /** One reader path at one record size against its limit; bandwidths in bytes per second. */
  record Fraction(
      int recordBytes, ReaderPath path, Spread reader, double limit, double fraction,
      double lowestFraction, double highestFraction, double readLimit) {

    /** The reader's median against limit B; NaN where the run lacks it. */
    double readFraction() {
      return reader.median() / readLimit;
    }


    boolean meetsTarget() {
      return fraction >= TARGET_FRACTION;
    }
  }

  private FormatReport() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: FormatReport OUTPUT.md RESULT.json [RESULT.json ...]");
      System.exit(2);
    }
    Path output = Path.of(args[0]);
    List<Path> inputs = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      inputs.add(Path.of(args[i]));
    }
    String report = render(JmhResults.read(inputs), inputs.size());
    Files.writeString(output, report);
    System.out.print(report);
  }

  /** Bandwidth of doing two passes over the same bytes one after the other, per thread. */
  static double perThreadLimit(double copyBytesPerSecond, double crcBytesPerSecond) {
    return 1 / (1 / copyBytesPerSecond + 1 / crcBytesPerSecond);
  }

  /** The limits measured for {@code recordBytes}-byte records, if the run has them. */
  static Optional<Limits> limits(List<Result> results, int recordBytes) {
    Spread copy = bytesPerSecond(find(results, LIMITS + "copy", null, null, 1));
    Spread crc = bytesPerSecond(find(results, LIMITS + "crc32c", "pieceBytes", recordBytes, 1));
    Spread read =
        bytesPerSecond(find(results, LIMITS + "pageCacheRead", "recordBytes", recordBytes, 1));
    Spread crcInCache =
        bytesPerSecond(find(results, LIMITS + "crc32cInCache", "pieceBytes", recordBytes, 1));
    if (copy.isEmpty() || crc.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Limits(recordBytes, copy, crc, read, crcInCache));
  }

  /** Every reader path at every record size that has both a reader result and the limits. */
  static List<Fraction> fractions(List<Result> results) {
    List<Fraction> fractions = new ArrayList<>();
    for (int recordBytes : recordSizes(results)) {
      Optional<Limits> limits = limits(results, recordBytes);
      if (limits.isEmpty()) {
        continue;
      }
      for (ReaderPath path : READER_PATHS) {
        Spread reader =
            bytesPerSecond(find(results, READER + path.method(), "recordBytes", recordBytes, 1));
        if (reader.isEmpty()) {
          continue;
        }
        Limits limit = limits.get();
        double median = limit.limit(path.verifiesCrc());
        fractions.add(
            new Fraction(
                recordBytes,
                path,
                reader,
                median,
                reader.median() / median,
                reader.min() / limit.bestLimit(path.verifiesCrc()),
                reader.max() / limit.worstLimit(path.verifiesCrc()),
                limit.readLimit(path.verifiesCrc())));
      }
    }
    return fractions;
  }

  /** The whole Markdown report. {@code runs} is how many result files were merged. */
  static String render(List<Result> results, int runs) {
    StringBuilder md = new StringBuilder();
    md.append("# Format layer against the machine's limits\n\n");
    md.append("Bandwidths in MB/s (10^6 bytes per second; for files, the bytes on disk with their "
        + "framing): the median over all measured iterations")
        .append(runs > 1 ? " of " + runs + " rounds of the suite" : "")
        .append(", with the lowest and highest iteration in brackets.\n\n");

    md.append("## The reader as a fraction of the per-thread limit\n\n");
    md.append("Limit A (PERFORMANCE.md's) = 1 / (1/copy + 1/crc32c), CRC32C over memory in "
        + "pieces of the record's size; limit B (the reader's own pattern) = 1 / "
        + "(1/pageCacheRead + 1/crc32cInCache). Paths without CRCs are held to copy (A) or "
        + "pageCacheRead (B) alone. Target: " + percent(TARGET_FRACTION)
        + " of limit A for 3 KiB records with CRCs on.\n\n");
    md.append("| records | reader path | reader MB/s | limit A MB/s | fraction of A | at least ")
        .append(percent(TARGET_FRACTION)).append(" of A? | limit B MB/s | fraction of B |\n");
    md.append("|---|---|---|---|---|---|---|---|\n");
    for (Fraction fraction : fractions(results)) {
      md.append("| ").append(fraction.recordBytes()).append(" B | ")
          .append(fraction.path().description()).append(" | ")
          .append(megabytes(fraction.reader())).append(" | ")
          .append(number(fraction.limit() / MEGA)).append(" | ")
          .append(percent(fraction.fraction())).append(" (")
          .append(percent(fraction.lowestFraction())).append("–")
          .append(percent(fraction.highestFraction())).append(") | ")
          .append(fraction.meetsTarget() ? "yes" : "no").append(" | ")
          .append(number(fraction.readLimit() / MEGA)).append(" | ")
          .append(percent(fraction.readFraction())).append(" |\n");
    }

    md.append("\n## Limits\n\n");
    md.append("| records | copy MB/s | CRC32C MB/s | page-cache read MB/s | CRC32C in cache MB/s "
        + "| limit A | limit B |\n");
    md.append("|---|---|---|---|---|---|---|\n");
    for (int recordBytes : recordSizes(results)) {
      Optional<Limits> found = limits(results, recordBytes);
      if (found.isEmpty()) {
        continue;
      }
      Limits limits = found.get();
      md.append("| ").append(recordBytes).append(" B | ")
          .append(megabytes(limits.copy())).append(" | ")
          .append(megabytes(limits.crc32c())).append(" | ")
          .append(megabytes(limits.pageCacheRead())).append(" | ")
          .append(megabytes(limits.crc32cInCache())).append(" | ")
          .append(number(limits.limit(true) / MEGA)).append(" | ")
          .append(number(limits.readLimit(true) / MEGA)).append(" |\n");
    }

    md.append("\n## Every benchmark\n\n");
    md.append("heap B/record is JMH's gc.alloc.rate.norm (bytes allocated per pass) over the "
        + "records per pass, where the run used -prof gc. disk KiB is the most any iteration "
        + "paged in from disk, machine-wide (pgpgin): 0 means the file was read from the page "
        + "cache.\n\n");
    md.append("| benchmark | parameters | threads | MB/s | iterations | records/s | heap B/record "
        + "| disk KiB |\n");
    md.append("|---|---|---|---|---|---|---|---|\n");
    for (Result result : results) {
      Spread records = Spread.of(result.metric("records"));
      Spread disk = Spread.of(result.metric("diskReadKiB"));
      md.append("| ").append(result.benchmark()).append(" | ")
          .append(result.paramsText()).append(" | ")
          .append(result.threads()).append(" | ")
          .append(megabytes(bytesPerSecond(result))).append(" | ")
          .append(result.metric(JmhResults.OPERATIONS).size()).append(" | ")
          .append(records.isEmpty() ? "" : number(records.median())).append(" | ")
          .append(heapBytesPerRecord(result).map(FormatReport::decimal).orElse("")).append(" | ")
          .append(disk.isEmpty() ? "" : number(disk.max())).append(" |\n");
    }
    return md.toString();
  }

  /**
   * Median over iterations of heap bytes allocated per record: JMH's bytes per operation (pass)
   * divided by the records of that iteration's passes. Empty without {@code -prof gc} results.
   */
  static Optional<Double> heapBytesPerRecord(Result result) {
    List<Double> perPass = result.metric("gc.alloc.rate.norm");
    List<Double> operations = result.metric(JmhResults.OPERATIONS);
    List<Double> records = result.metric("records");
    if (perPass.isEmpty()
        || perPass.size() != records.size()
        || records.size() != operations.size()) {
      return Optional.empty();
    }
    List<Double> perRecord = new ArrayList<>();
    for (int i = 0; i < perPass.size(); i++) {
      double recordsPerPass = records.get(i) / operations.get(i);
      if (recordsPerPass > 0) {
        perRecord.add(perPass.get(i) / recordsPerPass);
      }
    }
    return perRecord.isEmpty() ? Optional.empty() : Optional.of(Spread.of(perRecord).median());
  }

  private static Spread bytesPerSecond(Optional<Result> result) {
    return result.map(FormatReport::bytesPerSecond).orElse(Spread.of(List.of()));
  }

  private static Spread bytesPerSecond(Result result) {
    return Spread.of(result.metric("bytes"));
  }

  /** Record sizes the reader was run with, in the order they first appear. */
  private static Set<Integer> recordSizes(List<Result> results) {
    Set<Integer> sizes = new LinkedHashSet<>();
    for (Result result : results) {
      if (result.benchmark().startsWith(READER) && result.param("recordBytes") != null) {
        sizes.add(Integer.parseInt(result.param("recordBytes")));
      }
    }
    return sizes;
  }

  private static Optional<Result> find(
      List<Result> results, String benchmark, String param, Integer value, int threads) {
    return results.stream()
        .filter(result -> result.benchmark().equals(benchmark))
        .filter(result -> result.threads() == threads)
        .filter(result -> param == null || String.valueOf(value).equals(result.param(param)))
        .findFirst();
  }

  private static String megabytes(Spread bytesPerSecond) {
    if (bytesPerSecond.isEmpty()) {
      return "n/a";
    }
    Spread mb = bytesPerSecond.scaled(1 / MEGA);
    return number(mb.median()) + " (" + number(mb.min()) + "–" + number(mb.max()) + ")";
  }

  private static String number(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.0f", value);
  }

  private static String decimal(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  static String percent(double fraction) {
    return Double.isNaN(fraction) ? "n/a" : String.format(Locale.ROOT, "%.0f%%", fraction * 100);
  }
}
