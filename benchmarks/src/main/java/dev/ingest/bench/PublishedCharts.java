package dev.ingest.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Draws the pipeline suite's charts from a published figures file ({@link PipelineFigures}), so
 * that {@code docs/images/} can be regenerated from the committed {@code
 * benchmarks/published/pipeline.csv} without rerunning the suite (after a change to {@link
 * PipelineCharts}, say). {@code benchmarks/run-pipeline.sh} with {@code PUBLISH=1} calls it on the
 * figures of the run it has just made.
 *
 * <pre>
 *   java -cp benchmarks.jar dev.ingest.bench.PublishedCharts FIGURES.csv OUTPUT_DIR
 * </pre>
 */
public final class PublishedCharts {
  private PublishedCharts() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: PublishedCharts FIGURES.csv OUTPUT_DIR");
      System.exit(2);
    }
    PipelineFigures.Figures figures = PipelineFigures.read(Path.of(args[0]));
    Path output = Path.of(args[1]);
    Files.createDirectories(output);
    List<String> written = PipelineCharts.write(output, figures.idle(), figures.throughput());
    written.forEach(name -> System.out.println(output.resolve(name)));
  }
}
