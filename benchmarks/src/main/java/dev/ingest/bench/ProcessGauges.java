package dev.ingest.bench;

import com.sun.management.GarbageCollectorMXBean;
import com.sun.management.GcInfo;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads what a leak would raise in this process, once per call: the heap (in use now, and what
 * the latest collection left), the direct memory of Netty's pooled allocator (which the engine's
 * buffers come from) and of the JDK's direct buffers, the resident set ({@code VmRSS} in {@code
 * /proc/self/status}), live threads and open file descriptors ({@code /proc/self/fd}). Linux
 * only: RSS and descriptors read {@code /proc}.
 */
final class ProcessGauges {
  private static final double MIB = 1024.0 * 1024.0;
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path FDS = Path.of("/proc/self/fd");

  private final List<GarbageCollectorMXBean> collectors = ManagementFactory
      .getGarbageCollectorMXBeans().stream()
      .filter(GarbageCollectorMXBean.class::isInstance)
      .map(GarbageCollectorMXBean.class::cast)
      .toList();
  private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
      .filter(pool -> pool.getType() == MemoryType.HEAP)
      .map(MemoryPoolMXBean::getName)
      .collect(Collectors.toUnmodifiableSet());
  private final BufferPoolMXBean jdkDirect = ManagementFactory
      .getPlatformMXBeans(BufferPoolMXBean.class).stream()
      .filter(pool -> pool.getName().equals("direct"))
      .findFirst().orElseThrow();

  /** One reading of every gauge, in MiB, counts and the given counters. */
  record Reading(double heapMiB, double heapAfterGcMiB, double nettyDirectMiB,
      double jdkDirectMiB, double rssMiB, int threads, int fds) {
    double directMiB() {
      return nettyDirectMiB + jdkDirectMiB;
    }
  }

  Reading read() {
    return new Reading(
        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / MIB,
        heapAfterLatestCollection() / MIB,
        PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory() / MIB,
        jdkDirect.getMemoryUsed() / MIB,
        rssKiB() / 1024.0,
        ManagementFactory.getThreadMXBean().getThreadCount(),
        openFileDescriptors());
  }

  /**
   * The heap the most recent collection (of any collector) left in use: the floor of the heap's
   * saw-tooth, which only what is still referenced (or not yet collected garbage of the old
   * generation) raises. The heap in use now, before any collection ran.
   */
  private double heapAfterLatestCollection() {
    GcInfo latest = null;
    for (GarbageCollectorMXBean collector : collectors) {
      GcInfo info = collector.getLastGcInfo();
      if (info != null && (latest == null || info.getEndTime() > latest.getEndTime())) {
        latest = info;
      }
    }
    if (latest == null) {
      return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
    long used = 0;
    for (var pool : latest.getMemoryUsageAfterGc().entrySet()) {
      if (heapPools.contains(pool.getKey())) {
        MemoryUsage usage = pool.getValue();
        used += usage.getUsed();
      }
    }
    return used;
  }

  private static long rssKiB() {
    try (Stream<String> lines = Files.lines(STATUS)) {
      return lines.filter(line -> line.startsWith("VmRSS:"))
          .map(line -> line.replaceAll("[^0-9]", ""))
          .mapToLong(Long::parseLong)
          .findFirst().orElseThrow(() -> new IllegalStateException("no VmRSS in " + STATUS));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Open descriptors, less the one the listing itself holds while it runs. */
  private static int openFileDescriptors() {
    try (Stream<Path> fds = Files.list(FDS)) {
      return (int) fds.count() - 1;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
