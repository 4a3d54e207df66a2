/** The ingest command line. Its commands are picocli-annotated classes that picocli reflects on. */
module dev.ingest.cli {
  requires dev.ingest.api;
  requires dev.ingest.tfrecord;
  requires dev.ingest.impl;
  requires dev.ingest.tensorflow;
  requires info.picocli;
  requires com.google.protobuf;
  requires me.tongfei.progressbar;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.yaml;
  requires org.yaml.snakeyaml;

  // picocli reflects on the commands' annotated fields; nothing else needs the package.
  opens dev.ingest.cli to info.picocli;
}
