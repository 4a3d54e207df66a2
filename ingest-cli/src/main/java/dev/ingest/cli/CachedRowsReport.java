package dev.ingest.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingest.FeatureSpec;
import java.io.PrintWriter;

/**
 * {@code ingest inspect PREFIX} for a row cache: what its manifest says it was filled from (the
 * source files and the records read from each, the transforms that ran before it), the features
 * and rows its rows file holds, and its first rows as JSON lines in the form {@code inspect}
 * prints records, each named by its source file and record.
 */
final class CachedRowsReport {
  private CachedRowsReport() {}

  static void print(PrintWriter out, RowCacheManifest cache, CachedRows rows, boolean json) {
    if (json) {
      Json.print(out, json(cache, rows));
      return;
    }
    out.printf("Row cache %s: %d rows in %s (%s, %d bytes).%n%n", cache.prefix(), rows.rows(),
        cache.rowsFile(), cache.format(), cache.rowsBytes());
    out.printf("  %-24s %-8s %s%n", "feature", "type", "values/row");
    for (FeatureSpec feature : rows.features().features()) {
      out.printf("  %-24s %-8s %s%n", feature.name(), feature.dtype().wireName(),
          shape(feature));
    }
    out.println();
    out.println("Filled from (records read from each source file):");
    for (int i = 0; i < cache.sourceFiles().size(); i++) {
      out.printf("  %12d  %s%n", cache.recordsRead().get(i), cache.sourceFiles().get(i));
    }
    out.println();
    if (cache.transforms().isEmpty()) {
      out.println("Transforms before the cache: none (the rows are as parse_example made them).");
    } else {
      out.println("Transforms before the cache, in order:");
      cache.transforms().forEach(identity -> out.println("  " + identity));
    }
    out.println();
    if (!rows.first().isEmpty()) {
      out.printf("The first %d rows as JSON lines (bytes values in base64):%n",
          rows.first().size());
      for (CachedRows.CachedRow row : rows.first()) {
        Json.print(out, InspectCommand.example(row.source(), row.record(), row.example()));
      }
    }
    out.flush();
  }

  static ObjectNode json(RowCacheManifest cache, CachedRows rows) {
    ObjectNode node = Json.object();
    node.put("cache", cache.prefix());
    node.put("holds", cache.holds());
    node.put("format", cache.format());
    node.put("rows_file", cache.rowsFile().toString());
    node.put("rows", rows.rows());
    ArrayNode features = node.putArray("features");
    for (FeatureSpec feature : rows.features().features()) {
      ObjectNode entry = features.addObject()
          .put("name", feature.name())
          .put("type", feature.dtype().wireName());
      feature.shape().forEach(entry.putArray("shape")::add);
      entry.put("var_len", feature.varLen());
    }
    ArrayNode sources = node.putArray("sources");
    for (int i = 0; i < cache.sourceFiles().size(); i++) {
      sources.addObject()
          .put("uri", cache.sourceFiles().get(i))
          .put("records", cache.recordsRead().get(i));
    }
    cache.transforms().forEach(node.putArray("transforms")::add);
    ArrayNode examples = node.putArray("examples");
    for (CachedRows.CachedRow row : rows.first()) {
      examples.add(InspectCommand.example(row.source(), row.record(), row.example()));
    }
    return node;
  }

  /** {@code 1} for a scalar, {@code 2x3} for a fixed shape, {@code var_len}. */
  private static String shape(FeatureSpec feature) {
    if (feature.varLen()) {
      return "var_len";
    }
    if (feature.shape().isEmpty()) {
      return "1";
    }
    return String.join("x", feature.shape().stream().map(String::valueOf).toList());
  }
}
