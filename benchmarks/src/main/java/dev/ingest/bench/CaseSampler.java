package dev.ingest.bench;

import dev.ingest.s3.testing.FaultProxy;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Samples a case while it runs: how many requests the fault proxy is serving at once, from its
 * handler threads (each request holds one from its arrival, the added latency included, to its
 * body's last byte; with the interleave's files open together, requests in flight over files
 * open is the read-ahead depth the channels reached, as the store sees it), and every thread's
 * CPU time, into a {@link ThreadCpuByRole}.
 *
 * <p>Samples every {@code periodMillis} on a daemon thread of its own until {@link #close()}.
 */
final class CaseSampler implements AutoCloseable {
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Thread sampler;
  private long samples;
  private long total;
  private int max;

  CaseSampler(long periodMillis, ThreadCpuByRole cpu) {
    sampler = new Thread(() -> {
      try {
        while (!stop.await(periodMillis, TimeUnit.MILLISECONDS)) {
          sample();
          cpu.observe();
        }
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
    }, "probe-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  private void sample() {
    List<Long> proxyThreads = new ArrayList<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds(), 0)) {
      if (info != null && info.getThreadName().startsWith(FaultProxy.THREAD_PREFIX)) {
        proxyThreads.add(info.getThreadId());
      }
    }
    long[] ids = proxyThreads.stream().mapToLong(Long::longValue).toArray();
    int serving = 0;
    for (ThreadInfo info : threads.getThreadInfo(ids, 64)) {
      if (info != null && serving(info.getStackTrace())) {
        serving++;
      }
    }
    synchronized (this) {
      samples++;
      total += serving;
      max = Math.max(max, serving);
    }
  }

  private static boolean serving(StackTraceElement[] stack) {
    for (StackTraceElement frame : stack) {
      if (frame.getClassName().equals(FaultProxy.class.getName())
          && frame.getMethodName().equals("handle")) {
        return true;
      }
    }
    return false;
  }

  /** The mean of the samples so far (NaN with none). */
  synchronized double mean() {
    return samples == 0 ? Double.NaN : (double) total / samples;
  }

  /** The largest sample so far. */
  synchronized int max() {
    return max;
  }

  @Override
  public void close() {
    stop.countDown();
    try {
      sampler.join();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
