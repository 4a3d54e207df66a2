package dev.ingest.runtime.metrics;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A JDK Flight Recorder event for a stage waiting: the consumer waiting for a batch (the
 * accelerator's idle time), the source waiting for ring slots or memory budget. Only waits that
 * took a measurable time are committed (JFR's threshold applies; the default recording settings
 * keep them all).
 */
@Name("dev.ingest.StageWait")
@Label("Stage wait")
@Category({"ingest", "Pipeline"})
@Description("A pipeline stage waiting for input or for room downstream")
@StackTrace(false)
public final class StageWaitEvent extends Event {
  public static final String INPUT = "input";
  public static final String OUTPUT = "output";

  @Label("Stage")
  String stage;

  @Label("Waiting for")
  String waitingFor;

  /** Ends the wait and commits it, if the recording wants it, as {@code stage} waiting for what. */
  public void finish(String stage, String waitingFor) {
    end();
    if (shouldCommit()) {
      this.stage = stage;
      this.waitingFor = waitingFor;
      commit();
    }
  }
}
