package dev.ingest.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * "Flat after warm-up", the soak's pass criterion. The first {@code warmUpShare} of the samples
 * (class loading, the JIT, the allocator's arenas and the cache's first fill) are left out; of
 * the rest, the first third (the start window) is compared with the last third (the end window):
 *
 * <ul>
 *   <li><b>memory</b> (heap after the latest collection, direct, RSS): the end window's median may
 *       exceed the start window's by at most {@code max(floor MiB, share × start median)}. Medians
 *       of windows, not single samples: one collection, one arena chunk or one burst of the JIT
 *       moves a sample, not a window's median. The heap is judged on what collections leave,
 *       the floor of its saw-tooth; the heap in use now moves with the young generation's size;
 *   <li><b>threads and file descriptors</b>: the end window's highest count may exceed the start
 *       window's highest by at most a small constant. Highest, because a pipeline's threads and
 *       open files come and go as it is closed and resumed: the peak is the steady state's;
 *   <li><b>progress</b>: batches were taken in the end window (a hung pipeline is flat too).
 * </ul>
 *
 * A leak per resume or per epoch grows with the run, so the bounds stay fixed while a leak's
 * growth does not: a longer soak only sharpens the test.
 */
final class SoakCriterion {
  private SoakCriterion() {}

  /** The allowances; {@link #DEFAULT} is what the soak and its test use. */
  record Bounds(double warmUpShare, double heapFloorMiB, double heapShare,
      double directFloorMiB, double directShare, double rssFloorMiB, double rssShare,
      int extraThreads, int extraFds, int minimumSamples) {
    static final Bounds DEFAULT = new Bounds(0.2, 48, 0.25, 16, 0.10, 64, 0.10, 2, 4, 9);
  }

  /** One metric compared: its start and end figures, the highest end allowed, and the verdict. */
  record Check(String metric, double start, double end, double allowedEnd, boolean passed) {
    String describe() {
      return String.format(Locale.ROOT, "%-28s start %9.1f  end %9.1f  allowed <= %9.1f  %s",
          metric, start, end, allowedEnd, passed ? "ok" : "FAILED");
    }
  }

  /** Every check, the windows compared, and why the soak failed if it did. */
  record Verdict(List<Check> checks, int warmUpSamples, int windowSamples, List<String> failures) {
    boolean passed() {
      return failures.isEmpty();
    }

    String describe() {
      StringBuilder out = new StringBuilder();
      out.append(String.format(Locale.ROOT, "warm-up: %d samples left out; start and end"
          + " windows: %d samples each%n", warmUpSamples, windowSamples));
      checks.forEach(check -> out.append(check.describe()).append('\n'));
      out.append(passed() ? "PASSED: flat after warm-up\n"
          : "FAILED: " + String.join("; ", failures) + "\n");
      return out.toString();
    }
  }

  /** The samples left out as warm-up, and the two windows compared (empty when too few). */
  record Windows(int warmUpSamples, int measuredSamples, List<SoakSample> start,
      List<SoakSample> end) {
    static Windows of(List<SoakSample> samples, Bounds bounds) {
      int warmUp = (int) Math.ceil(samples.size() * bounds.warmUpShare());
      List<SoakSample> measured = samples.subList(Math.min(warmUp, samples.size()),
          samples.size());
      int window = measured.size() / 3;
      return new Windows(warmUp, measured.size(), measured.subList(0, window),
          measured.subList(measured.size() - window, measured.size()));
    }
  }

  static Verdict judge(List<SoakSample> samples, Bounds bounds) {
    Windows windows = Windows.of(samples, bounds);
    int warmUp = windows.warmUpSamples();
    int window = windows.start().size();
    List<String> failures = new ArrayList<>();
    List<Check> checks = new ArrayList<>();
    if (windows.measuredSamples() < bounds.minimumSamples()) {
      failures.add(String.format(Locale.ROOT, "%d samples after warm-up, at least %d needed to"
          + " judge; run longer", windows.measuredSamples(), bounds.minimumSamples()));
      return new Verdict(checks, warmUp, window, failures);
    }
    List<SoakSample> start = windows.start();
    List<SoakSample> end = windows.end();
    checks.add(memory("heap after GC, median MiB", start, end, SoakSample::heapAfterGcMiB,
        bounds.heapFloorMiB(), bounds.heapShare()));
    checks.add(memory("direct, median MiB", start, end, SoakSample::directMiB,
        bounds.directFloorMiB(), bounds.directShare()));
    checks.add(memory("RSS, median MiB", start, end, SoakSample::rssMiB,
        bounds.rssFloorMiB(), bounds.rssShare()));
    checks.add(count("threads, highest", start, end, SoakSample::threads, bounds.extraThreads()));
    checks.add(count("file descriptors, highest", start, end, SoakSample::fds,
        bounds.extraFds()));
    long batchesAtEndStart = end.get(0).batches();
    long batchesAtEnd = end.get(end.size() - 1).batches();
    checks.add(new Check("batches in the end window", 0, batchesAtEnd - batchesAtEndStart, 0,
        batchesAtEnd > batchesAtEndStart));
    for (Check check : checks) {
      if (!check.passed()) {
        failures.add(check.metric().startsWith("batches")
            ? "no batches were taken in the end window: the pipeline stopped"
            : String.format(Locale.ROOT, "%s grew from %.1f to %.1f (allowed up to %.1f)",
                check.metric(), check.start(), check.end(), check.allowedEnd()));
      }
    }
    return new Verdict(checks, warmUp, window, failures);
  }

  private static Check memory(String metric, List<SoakSample> start, List<SoakSample> end,
      ToDoubleFunction<SoakSample> value, double floorMiB, double share) {
    double before = median(start, value);
    double after = median(end, value);
    double allowed = before + Math.max(floorMiB, share * before);
    return new Check(metric, before, after, allowed, after <= allowed);
  }

  private static Check count(String metric, List<SoakSample> start, List<SoakSample> end,
      ToDoubleFunction<SoakSample> value, int extra) {
    double before = start.stream().mapToDouble(value).max().orElseThrow();
    double after = end.stream().mapToDouble(value).max().orElseThrow();
    return new Check(metric, before, after, before + extra, after <= before + extra);
  }

  static double median(List<SoakSample> samples, ToDoubleFunction<SoakSample> value) {
    return Spread.of(samples.stream().map(value::applyAsDouble).toList()).median();
  }
}
