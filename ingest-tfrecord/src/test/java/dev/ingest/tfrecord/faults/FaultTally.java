package dev.ingest.tfrecord.faults;

import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The faults a test class injected, by kind: added up after each test ({@link #resetDisk()})
 * and printed after the class, the figures docs/reliability.md reports.
 */
public final class FaultTally {
  private final Map<FaultKind, Long> injected = new EnumMap<>(FaultKind.class);

  /** Resets {@link FaultyDisk} and adds what it injected since its last reset. */
  public synchronized void resetDisk() {
    FaultyDisk.reset().forEach((kind, count) -> injected.merge(kind, count, Long::sum));
  }

  /** Faults of {@code kind} added so far. */
  public synchronized long of(FaultKind kind) {
    return injected.getOrDefault(kind, 0L);
  }

  /** One line, {@code "injected by Test: READ_ERROR=12 SHORT_READ=40"}, for the test's output. */
  public synchronized String report(Class<?> test) {
    return "injected by " + test.getSimpleName() + ": " + injected.entrySet().stream()
        .filter(entry -> entry.getValue() > 0)
        .map(entry -> entry.getKey() + "=" + entry.getValue())
        .collect(Collectors.joining(" "));
  }
}
