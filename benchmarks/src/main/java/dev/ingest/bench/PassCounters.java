package dev.ingest.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Control;

/**
 * What the passes of one iteration handled, reported by JMH per second: {@code bytes} (file bytes
 * with their framing) and {@code records}.
 *
 * <p>Only passes that JMH counts as measured operations are added: with several threads JMH keeps
 * a thread calling the benchmark while it waits for the others to start or finish, and those
 * calls fall outside the measured time. JMH counts a pass that started before the iteration's
 * time ran out, so whether a pass counts is decided when it starts: see {@link #measured}.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class PassCounters {
  public long bytes;
  public long records;

  @Setup(Level.Iteration)
  public void reset() {
    bytes = 0;
    records = 0;
  }

  /**
   * Whether a pass starting now is one JMH measures; call it at the start of the pass. JMH raises
   * {@code stopMeasurement} together with the end of the iteration, so a pass that straddles the
   * end is measured, as JMH counts it.
   */
  static boolean measured(Control control) {
    return control.startMeasurement && !control.stopMeasurement;
  }

  void add(boolean measured, long passBytes, long passRecords) {
    if (measured) {
      bytes += passBytes;
      records += passRecords;
    }
  }
}
