package dev.ingest.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of every live thread of this JVM, summed by the role its name gives it: where the
 * object store probe's cores went while one case ran, with the S3 server, the fault proxy and the
 * client in the same process as the pipeline.
 *
 * <p>Take a snapshot before a case, {@link #observe} it while the case runs (a pipeline's
 * threads end before its last batch is taken: each keeps the CPU time it was last seen with),
 * and ask {@link #since} after it: a thread started in between counts from zero, one that ended
 * between two observations loses what it used after the last.
 */
final class ThreadCpuByRole {
  /** The roles, in the order a report lists them. */
  static final List<String> ROLES = List.of("pipeline", "consumer", "client", "proxy", "server");

  private final Map<Long, Long> nanosByThread;
  private final Map<Long, String> roleByThread;

  private ThreadCpuByRole(Map<Long, Long> nanosByThread, Map<Long, String> roleByThread) {
    this.nanosByThread = nanosByThread;
    this.roleByThread = roleByThread;
  }

  /** Every live thread's CPU time now. */
  static ThreadCpuByRole now() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<Long, Long> nanos = new HashMap<>();
    Map<Long, String> roles = new HashMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds(), 0)) {
      if (info == null) {
        continue;
      }
      long cpu = threads.getThreadCpuTime(info.getThreadId());
      if (cpu >= 0) {
        nanos.put(info.getThreadId(), cpu);
        roles.put(info.getThreadId(), role(info.getThreadName()));
      }
    }
    return new ThreadCpuByRole(nanos, roles);
  }

  /** Keeps every live thread's CPU time now, for threads that end before {@link #since}. */
  synchronized void observe() {
    ThreadCpuByRole seen = now();
    seen.nanosByThread.forEach((id, nanos) -> nanosByThread.merge(id, nanos, Math::max));
    roleByThread.putAll(seen.roleByThread);
  }

  /**
   * CPU seconds per role from {@code before} to now, over the threads live now and those {@link
   * #observe}d on this snapshot (taken after {@code before}).
   */
  synchronized Map<String, Double> since(ThreadCpuByRole before) {
    observe();
    Map<String, Double> seconds = new LinkedHashMap<>();
    for (String role : ROLES) {
      seconds.put(role, 0.0);
    }
    for (Map.Entry<Long, Long> thread : nanosByThread.entrySet()) {
      long used = thread.getValue() - before.nanosByThread.getOrDefault(thread.getKey(), 0L);
      seconds.merge(roleByThread.get(thread.getKey()), used / 1e9, Double::sum);
    }
    return seconds;
  }

  /**
   * The role of a thread by its name: the probe's main thread takes the batches; then the S3
   * client's event loops and completions ({@code ingest-s3-}), the pipeline ({@code ingest-}),
   * the proxy's handlers and the JDK HTTP client it forwards with; the probe's own sampler is
   * left out of every role; everything else is the server's (S3Mock's Jetty) or the JVM's own.
   */
  static String role(String name) {
    if (name.equals("main")) {
      return "consumer";
    }
    if (name.startsWith("probe-")) {
      return "probe";
    }
    if (name.startsWith("ingest-s3-") || name.startsWith("sdk-async-response")
        || name.startsWith("aws-java-sdk")) {
      return "client";
    }
    if (name.startsWith("ingest-")) {
      return "pipeline";
    }
    if (name.startsWith("fault-proxy-") || name.startsWith("HttpClient-")) {
      return "proxy";
    }
    return "server";
  }
}
