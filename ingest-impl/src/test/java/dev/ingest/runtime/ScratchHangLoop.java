package dev.ingest.runtime;

import dev.ingest.Dataset;
import dev.ingest.PipelineOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScratchHangLoop {
  @Test
  void loop() throws Exception {
    Path many = Files.createTempDirectory("hang");
    IdRecords.write(many, 2000, 2000);
    for (int i = 0; i < 400; i++) {
      Dataset d = Dataset.tfrecord(many.toString()).parseExample(IdRecords.SPEC).cache()
          .batch(16, false).prefetch(2)
          .withOptions(PipelineOptions.defaults().withThreads(1 + (i / 2) % 2).withMemoryBudget(64 * 1024));
      Dataset tight = i % 2 == 0 ? d : d.shuffle(10);
      Thread t = new Thread(() -> IdRecords.untilFailure(tight));
      t.setDaemon(true);
      t.start();
      t.join(20_000);
      if (t.isAlive()) {
        System.out.println("HUNG at " + i);
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
          System.out.println("THREAD " + e.getKey().getName());
          for (StackTraceElement s : e.getValue()) System.out.println("   " + s);
        }
        return;
      }
    }
    System.out.println("NO HANG");
  }
}
