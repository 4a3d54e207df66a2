package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A JFR recording shows every batch's parse and the consumer's waits, as JFR tools read them. */
class FlightRecorderTest {
  @TempDir Path dir;

  @Test
  void aRecordingHoldsAParseEventPerBatchAndTheConsumersWaits() throws IOException {
    int total = IdRecords.write(dir.resolve("ids"), 50, 70);
    Dataset dataset = Dataset.tfrecord(dir.resolve("ids").toString())
        .parseExample(IdRecords.SPEC)
        .batch(16, false)
        .withOptions(PipelineOptions.defaults().withThreads(2));
    Path file = dir.resolve("run.jfr");
    int batches;
    try (Recording recording = new Recording()) {
      recording.enable("dev.ingest.StageWork").withThreshold(Duration.ZERO);
      recording.enable("dev.ingest.StageWait").withThreshold(Duration.ZERO);
      recording.start();
      batches = IdRecords.batches(dataset).size();
      recording.stop();
      recording.dump(file);
    }
    List<RecordedEvent> events = RecordingFile.readAllEvents(file);
    List<RecordedEvent> parses = events.stream()
        .filter(e -> e.getEventType().getName().equals("dev.ingest.StageWork"))
        .filter(e -> e.getString("stage").equals("parse_example"))
        .collect(Collectors.toList());
    assertThat(parses).hasSize(batches);
    assertThat(parses.stream().mapToLong(e -> e.getInt("rows")).sum()).isEqualTo(total);
    assertThat(parses).extracting(e -> e.getThread().getJavaName())
        .allMatch(name -> name.startsWith("ingest-parse"));
    List<RecordedEvent> waits = events.stream()
        .filter(e -> e.getEventType().getName().equals("dev.ingest.StageWait"))
        .filter(e -> e.getString("stage").equals("consumer"))
        .collect(Collectors.toList());
    // One wait per batch asked for, and one for the end of the stream.
    assertThat(waits).hasSize(batches + 1)
        .allMatch(e -> e.getString("waitingFor").equals("input"));
  }
}
