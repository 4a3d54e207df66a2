package dev.ingest.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Bytes the passes of one iteration handled, reported by JMH per second as {@code bytes}. Counts
 * only measured operations, as {@link PassCounters} does (see {@link PassCounters#measured}).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class ByteCounter {
  public long bytes;

  @Setup(Level.Iteration)
  public void reset() {
    bytes = 0;
  }

  void add(boolean measured, long passBytes) {
    if (measured) {
      bytes += passBytes;
    }
  }
}
