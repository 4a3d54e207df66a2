package dev.ingest.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime leaves JFR alone until a recording exists: in a fresh JVM (a child process, since
 * this test JVM may have recorded already) running a pipeline loads none of its event classes
 * and does not initialize JFR's metadata, neither for its own events nor through Netty's (which
 * it turns off unless configured); together they cost a cold run 0.2-0.4 s before its first
 * batch. A recording started mid-run still gets the runtime's events from then on.
 */
class FlightEventsTest {
  @TempDir Path dir;

  @Test
  void noEventClassLoadsBeforeARecordingAndEventsFlowOnceOneStarts()
      throws IOException, InterruptedException {
    IdRecords.write(dir.resolve("ids"), 100, 100, 100);
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "-Xmx256m", "-Xlog:class+load=info:stdout", "-Dio.netty.leakDetection.level=disabled",
        RecordingLaterChild.class.getName(), dir.toString())
        .redirectErrorStream(true)
        .start();
    child.getOutputStream().close();
    List<String> lines = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
        .lines().toList();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as("the child's output: %s", lines).isZero();

    int marker = lines.indexOf(RecordingLaterChild.RECORDING);
    assertThat(marker).as("the child's output: %s", lines).isPositive();
    List<String> beforeRecording = lines.subList(0, marker);
    assertThat(beforeRecording)
        .as("the run loaded the runtime's classes (so the log shows class loading)")
        .anyMatch(line -> line.contains("dev.ingest.runtime.stage.ParseWorker "));
    assertThat(beforeRecording)
        .noneMatch(line -> line.contains("dev.ingest.runtime.metrics.StageWaitEvent"))
        .noneMatch(line -> line.contains("dev.ingest.runtime.metrics.StageWorkEvent"))
        .noneMatch(line -> line.contains("jdk.jfr.internal.MetadataRepository"));

    String events = lines.stream()
        .filter(line -> line.startsWith(RecordingLaterChild.EVENTS))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no count of events in " + lines));
    assertThat(Long.parseLong(events.substring(RecordingLaterChild.EVENTS.length())))
        .as("the runtime's events after the recording started").isPositive();
  }
}
