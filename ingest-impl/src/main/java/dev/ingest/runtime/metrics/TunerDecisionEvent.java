package dev.ingest.runtime.metrics;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A JDK Flight Recorder event for each autotuner decision, so that a recording shows when the
 * parse workers or the prefetch depth moved, next to the stages' waits on the same timeline.
 */
@Name("dev.ingest.TunerDecision")
@Label("Tuner decision")
@Category({"ingest", "Pipeline"})
@Description("The autotuner moving, confirming or declining a setting, and why")
@StackTrace(false)
public final class TunerDecisionEvent extends Event {
  @Label("Parameter")
  public String parameter;

  @Label("From")
  public int from;

  @Label("To")
  public int to;

  @Label("Reason")
  public String reason;
}
