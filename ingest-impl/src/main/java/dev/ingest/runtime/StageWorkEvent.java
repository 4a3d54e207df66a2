package dev.ingest.runtime;

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
final class StageWorkEvent extends Event {
  @Label("Stage")
  String stage;

  @Label("Ring sequence")
  long sequence;

  @Label("Rows")
  int rows;
}
