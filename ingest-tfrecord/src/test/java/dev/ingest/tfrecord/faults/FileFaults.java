package dev.ingest.tfrecord.faults;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The faults scripted for one file: what happens to a read of it, decided from the read's byte
 * range. Every channel opened on the file follows the same script; a fault that fires once (an
 * action at an offset, a read error with a count) fires for the first read that reaches it.
 *
 * <p>Thread-safe: a test scripts it before a run, the pipeline's reader threads consult it.
 */
public final class FileFaults {
  private final FaultyDisk disk;
  /** Byte offset of a read error, and how many reads reaching it fail (then it heals). */
  private final TreeMap<Long, Integer> readErrors = new TreeMap<>();
  /** Actions run once, before the first read whose range covers their offset. */
  private final TreeMap<Long, List<Runnable>> actions = new TreeMap<>();
  private Random shortReads;
  private int shortReadMaxBytes;
  private long slowReadNanos;
  private long stallFrom = -1;

  FileFaults(FaultyDisk disk) {
    this.disk = disk;
  }

  /** Every read that reaches byte {@code offset} fails, for good. */
  public synchronized FileFaults readErrorAt(long offset) {
    return readErrorAt(offset, Integer.MAX_VALUE);
  }

  /** The first {@code failures} reads that reach byte {@code offset} fail; later ones succeed. */
  public synchronized FileFaults readErrorAt(long offset, int failures) {
    readErrors.put(offset, failures);
    return this;
  }

  /** Each read returns between 1 and {@code maxBytes} bytes, as {@code seed} draws them. */
  public synchronized FileFaults shortReads(int maxBytes, long seed) {
    shortReads = new Random(seed);
    shortReadMaxBytes = maxBytes;
    return this;
  }

  /** Each read is delayed by {@code micros} before it returns. */
  public synchronized FileFaults slowReads(long micros) {
    slowReadNanos = TimeUnit.MICROSECONDS.toNanos(micros);
    return this;
  }

  /** Every read that reaches byte {@code offset} blocks until its channel is closed. */
  public synchronized FileFaults stallFrom(long offset) {
    stallFrom = offset;
    return this;
  }

  /** Once a read reaches byte {@code offset}, the file is cut to {@code length} bytes on disk. */
  public synchronized FileFaults truncateAt(long offset, long length) {
    return at(offset, () -> disk.truncate(this, length));
  }

  /** Once a read reaches byte {@code offset}, {@code bytes} are appended to the file on disk. */
  public synchronized FileFaults growAt(long offset, byte[] bytes) {
    return at(offset, () -> disk.append(this, bytes.clone()));
  }

  /** Once a read of this file reaches byte {@code offset}, {@code victim} is deleted. */
  public synchronized FileFaults deleteAt(long offset, java.nio.file.Path victim) {
    return at(offset, () -> disk.delete(victim));
  }

  private FileFaults at(long offset, Runnable action) {
    actions.computeIfAbsent(offset, key -> new ArrayList<>()).add(action);
    return this;
  }

  /**
   * Applies the script to a read of up to {@code wanted} bytes at {@code position}: runs the
   * actions it reaches, delays or stalls it, throws its read error, and returns how many bytes it
   * may return (at least 1 when {@code wanted} is).
   */
  int beforeRead(FaultChannel channel, long position, int wanted) throws IOException {
    List<Runnable> due = new ArrayList<>();
    long stallAt;
    long slowNanos;
    int allowed = wanted;
    synchronized (this) {
      Map<Long, List<Runnable>> reached = actions.headMap(position + wanted, false);
      reached.values().forEach(due::addAll);
      reached.clear();
      stallAt = stallFrom;
      slowNanos = slowReadNanos;
    }
    due.forEach(Runnable::run);
    if (wanted == 0) {
      return 0;
    }
    if (slowNanos > 0) {
      disk.count(FaultKind.SLOW_READ);
      // The delay is the fault itself (a slow disk), not a wait for something to happen.
      LockSupport.parkNanos(slowNanos);
    }
    if (stallAt >= 0 && position + wanted > stallAt) {
      disk.count(FaultKind.STALL);
      channel.stall();
    }
    synchronized (this) {
      Map.Entry<Long, Integer> error = readErrors.ceilingEntry(position);
      if (error != null && error.getKey() < position + wanted) {
        if (error.getKey() > position) {
          allowed = (int) (error.getKey() - position); // what lies before the bad byte comes back
        } else {
          if (error.getValue() <= 1) {
            readErrors.remove(error.getKey());
          } else if (error.getValue() != Integer.MAX_VALUE) {
            readErrors.put(error.getKey(), error.getValue() - 1);
          }
          disk.count(FaultKind.READ_ERROR);
          throw new IOException("Input/output error (injected at byte " + position + " of "
              + channel.file() + ")");
        }
      }
      if (shortReads != null && allowed > 1) {
        int shortened = 1 + shortReads.nextInt(Math.min(allowed, shortReadMaxBytes));
        if (shortened < allowed) {
          disk.count(FaultKind.SHORT_READ);
          allowed = shortened;
        }
      }
    }
    return allowed;
  }
}
