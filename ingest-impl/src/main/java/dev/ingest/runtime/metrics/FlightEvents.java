package dev.ingest.runtime.metrics;

import jdk.jfr.FlightRecorder;

/**
 * Whether the runtime's JFR events ({@link StageWaitEvent}, {@link StageWorkEvent},
 * {@link TunerDecisionEvent}) are worth creating: only once JDK Flight Recorder is initialized in
 * this JVM, by {@code -XX:StartFlightRecording}, {@code jcmd PID JFR.start} or a {@code Recording}.
 *
 * <p>Why not always create them (JFR's own advice, since an event whose type no recording enables
 * costs next to nothing): in JDK 17 the first use of an event class initializes JFR's metadata
 * repository, a large part of a cold JVM's time to its first batch ({@code FirstBatchProbe}),
 * on the consumer's thread. Asking first keeps that out of every run that records nothing. A recording
 * started in the middle of a run gets the events from then on, since each call site asks again.
 */
public final class FlightEvents {
  private FlightEvents() {}

  /** True once JFR is initialized; a volatile read, cheap enough for every batch. */
  public static boolean enabled() {
    return FlightRecorder.isInitialized();
  }
}
