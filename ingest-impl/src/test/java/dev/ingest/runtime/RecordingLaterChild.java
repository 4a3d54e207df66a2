package dev.ingest.runtime;

import dev.ingest.BatchIterator;
import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordingFile;

/**
 * The child process of {@link FlightEventsTest}: runs part of a pipeline over the records its
 * parent wrote (so that the pipeline is the first thing here to touch Netty) with no JFR
 * recording, prints {@link #RECORDING}, starts a recording, runs the rest, and prints how many of
 * the runtime's events the recording holds ({@link #EVENTS} and the count).
 */
public final class RecordingLaterChild {
  static final String RECORDING = "starting a recording";
  static final String EVENTS = "ingest events recorded: ";
  static final int BATCHES_BEFORE = 3;

  private RecordingLaterChild() {}

  /** @param args a folder holding the records (in {@code ids}), where the recording goes too */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    Dataset dataset = Dataset.tfrecord(dir.resolve("ids").toString())
        .parseExample(IdRecords.SPEC)
        .batch(10, false)
        .withOptions(PipelineOptions.defaults().withThreads(2));
    try (BatchIterator batches = dataset.iterator()) {
      for (int i = 0; i < BATCHES_BEFORE; i++) {
        batches.next().close();
      }
      if (FlightRecorder.isInitialized()) {
        throw new IllegalStateException("JFR is initialized before any recording");
      }
      System.out.println(RECORDING);
      System.out.flush();
      Path file = dir.resolve("later.jfr");
      try (Recording recording = new Recording()) {
        recording.enable("dev.ingest.StageWork").withThreshold(Duration.ZERO);
        recording.enable("dev.ingest.StageWait").withThreshold(Duration.ZERO);
        recording.start();
        while (batches.hasNext()) {
          batches.next().close();
        }
        recording.stop();
        recording.dump(file);
      }
      long events = RecordingFile.readAllEvents(file).stream()
          .filter(e -> e.getEventType().getName().startsWith("dev.ingest."))
          .count();
      System.out.println(EVENTS + events);
    }
  }
}
