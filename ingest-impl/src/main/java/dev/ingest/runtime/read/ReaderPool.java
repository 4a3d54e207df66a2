package dev.ingest.runtime.read;

import dev.ingest.runtime.concurrent.ThreadStop;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The interleave's reader threads ({@code num_parallel_calls}): each owns the files handed to it
 * (round robin as they open) and fills a block for each in turn while it has room, so up to N
 * files are read, decompressed and checked at once while the source thread merges their records
 * in the interleave's fixed order. Threads are named {@code ingest-read-*} and made by Netty's
 * factory, so they get the pooled allocator's thread caches.
 *
 * <p>{@link #close()} (source thread, when it ends) stops and joins the threads, then releases
 * every block of every file they still held.
 */
public final class ReaderPool implements AutoCloseable {
  /** How long an idle reader sleeps before it looks again (blocks handed back wake it sooner). */
  private static final long IDLE_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
  private static final long JOIN_MILLIS = 10_000;

  private final Worker[] workers;
  private final BooleanSupplier halted;
  private volatile boolean stopped;
  private int nextWorker;

  public ReaderPool(int threads, BooleanSupplier halted) {
    this.halted = halted;
    workers = new Worker[threads];
    ThreadFactory factory = new DefaultThreadFactory("ingest-read", true);
    for (int i = 0; i < threads; i++) {
      workers[i] = new Worker();
      workers[i].thread = factory.newThread(workers[i]);
    }
    for (Worker worker : workers) {
      worker.thread.start();
    }
  }

  /** Hands a newly opened file to the next reader thread. */
  void add(ReadAheadCursor cursor) {
    Worker worker = workers[nextWorker];
    nextWorker = (nextWorker + 1) % workers.length;
    worker.incoming.add(cursor);
    LockSupport.unpark(worker.thread);
  }

  @Override
  public void close() {
    stopped = true;
    for (Worker worker : workers) {
      LockSupport.unpark(worker.thread);
    }
    // A reader blocked in a store's read sees no flag: ThreadStop interrupts it.
    ThreadStop.stop(Arrays.stream(workers).map(worker -> worker.thread).toList(),
        JOIN_MILLIS);
    for (Worker worker : workers) {
      if (worker.thread.isAlive()) {
        throw new IllegalStateException("reader thread " + worker.thread.getName()
            + " did not stop within " + JOIN_MILLIS + " ms; its blocks are left to it");
      }
      // The thread is gone (join is the happens-before edge): its files are ours to finish.
      worker.owned.forEach(ReadAheadCursor::finishReaderSide);
      ReadAheadCursor left;
      while ((left = worker.incoming.poll()) != null) {
        left.finishReaderSide();
      }
    }
  }

  private final class Worker implements Runnable {
    final ConcurrentLinkedQueue<ReadAheadCursor> incoming = new ConcurrentLinkedQueue<>();
    final List<ReadAheadCursor> owned = new ArrayList<>();
    Thread thread;

    @Override
    public void run() {
      while (!stopped && !halted.getAsBoolean()) {
        ReadAheadCursor added;
        while ((added = incoming.poll()) != null) {
          owned.add(added);
        }
        boolean worked = false;
        for (int i = 0; i < owned.size(); i++) {
          ReadAheadCursor cursor = owned.get(i);
          if (cursor.closed()) {
            cursor.finishReaderSide();
            owned.remove(i--);
          } else {
            worked |= cursor.readAhead();
          }
        }
        if (!worked) {
          LockSupport.parkNanos(this, IDLE_PARK_NANOS);
        }
      }
    }
  }
}
