/** TFRecord files: framing, compression and the tf.train.Example wire format. */
module dev.ingest.tfrecord {
  requires transitive dev.ingest.api;
  requires transitive io.netty.buffer;
  requires io.netty.common;
  requires com.google.protobuf;

  exports dev.ingest.tfrecord;
  exports dev.ingest.tfrecord.example;
  exports dev.ingest.tfrecord.index;
  exports dev.ingest.tfrecord.sample;
}
