package dev.ingest.runtime.metrics;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A JDK Flight Recorder event for one unit of a stage's work (a batch parsed, a batch assembled),
 * so that JDK Mission Control and other JFR tools show the pipeline on the threads' timeline next
 * to GC and the trainer's own work. Costs next to nothing while no recording is running.
 */
@Name("dev.ingest.StageWork")
@Label("Stage work")
@Category({"ingest", "Pipeline"})
@Description("One unit of a pipeline stage's work, e.g. a batch parsed")
@StackTrace(false)
public final class StageWorkEvent extends Event {
  @Label("Stage")
  public String stage;

  @Label("Ring sequence")
  public long sequence;

  @Label("Rows")
  public int rows;
}
