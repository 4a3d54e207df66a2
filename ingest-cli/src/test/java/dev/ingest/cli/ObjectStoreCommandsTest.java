package dev.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ingest.StaleIndexException;
import dev.ingest.tfrecord.StoragePaths;
import dev.ingest.tfrecord.index.RecordIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command that takes a path takes an {@code s3://} URI, against an S3-compatible server
 * started in this JVM: {@code gen --out}, {@code count}, {@code validate}, {@code inspect},
 * {@code index} and a
 * {@code run} whose YAML names the store's endpoint in {@code options.storage.s3}. The commands
 * without a YAML find the endpoint where the AWS SDK looks for it ({@code AWS_ENDPOINT_URL}, or
 * the {@code aws.endpointUrl} system property used here).
 */
class ObjectStoreCommandsTest {
  private static final String BUCKET = "cli";

  @RegisterExtension
  static final S3MockExtension S3 =
      S3MockExtension.builder().silent().withInitialBuckets(BUCKET).build();

  @TempDir static Path dir;

  @BeforeAll
  static void pointTheSdkAtTheServer() {
    System.setProperty("aws.endpointUrl", endpoint());
  }

  @AfterAll
  static void forgetTheServer() {
    System.clearProperty("aws.endpointUrl");
  }

  private static String endpoint() {
    return "http://localhost:" + S3.getHttpPort();
  }

  @Test
  void genCountValidateInspectAndRunReadTheStoreAsTheyReadAFolder() throws IOException {
    String remote = "s3://" + BUCKET + "/tabular";
    Path local = dir.resolve("tabular");
    String[] gen = {"gen", "--kind", "tabular", "--records", "500", "--shards", "3",
        "--seed", "3", "--json", "--out"};
    Cli.Outcome genRemote = Cli.run(concat(gen, remote));
    assertThat(genRemote.exitCode()).as(genRemote.err()).isZero();
    assertThat(Cli.run(concat(gen, local.toString())).exitCode()).isZero();

    Cli.Outcome count = Cli.run("count", "--json", remote);
    assertThat(count.exitCode()).as(count.err()).isZero();
    assertThat(count.json().get("total").asLong()).isEqualTo(500);
    assertThat(count.json().get("files").get(0).get("path").asText())
        .isEqualTo(remote + "/part-00000-of-00003.tfrecord");
    assertThat(Cli.run("count", "--json", remote + "/*-of-00003.tfrecord").json()
        .get("total").asLong()).isEqualTo(500);

    Cli.Outcome validate = Cli.run("validate", "--json", remote);
    assertThat(validate.exitCode()).as(validate.err()).isZero();
    assertThat(validate.json().get("ok").asBoolean()).isTrue();
    assertThat(validate.json().get("records").asLong()).isEqualTo(500);

    Cli.Outcome inspect = Cli.run("inspect", remote, "--limit", "1");
    assertThat(inspect.exitCode()).as(inspect.err()).isZero();
    assertThat(inspect.out()).contains("features").contains("label");

    JsonNode fromStore = run(remote, endpoint());
    JsonNode fromDisk = run(local.toString(), endpoint());
    assertThat(fromStore.get("records").asLong()).isEqualTo(1000);
    assertThat(fromStore.get("digest").asText()).isEqualTo(fromDisk.get("digest").asText());
  }

  @Test
  void indexWritesSidecarsIntoTheStoreThatAreCheckedAgainstEachObjectsETag() throws IOException {
    String remote = "s3://" + BUCKET + "/indexed";
    Cli.Outcome gen = Cli.run("gen", "--kind", "text", "--records", "40", "--shards", "2",
        "--out", remote);
    assertThat(gen.exitCode()).as(gen.err()).isZero();

    Cli.Outcome index = Cli.run("index", "--json", remote);
    assertThat(index.exitCode()).as(index.err()).isZero();
    assertThat(index.json().get("total").asLong()).isEqualTo(40);
    String shardUri = remote + "/part-00000-of-00002.tfrecord";
    assertThat(index.json().get("files").get(0).get("index").asText())
        .isEqualTo(shardUri + ".idx");
    assertThat(Cli.run("count", "--json", remote).json().get("files")).hasSize(2);

    Path shard = StoragePaths.path(shardUri);
    assertThat(RecordIndex.loadBeside(shard).count()).isEqualTo(20);
    // Other bytes of the same size: only the object's ETag tells the new shard from the old.
    byte[] bytes = Files.readAllBytes(shard);
    bytes[bytes.length - 1] ^= 1;
    Files.write(shard, bytes);
    assertThatThrownBy(() -> RecordIndex.loadBeside(shard))
        .isInstanceOf(StaleIndexException.class)
        .hasMessageContaining("ETag");
  }

  @Test
  void aMissingBucketOrKeyIsBadUsageNamingIt() {
    Cli.Outcome noBucket = Cli.run("count", "s3://no-such-bucket/data");
    assertThat(noBucket.exitCode()).isEqualTo(2);
    assertThat(noBucket.err()).contains("s3://no-such-bucket");

    Cli.Outcome noKey = Cli.run("count", "s3://" + BUCKET + "/nothing/here.tfrecord");
    assertThat(noKey.exitCode()).isEqualTo(2);
    assertThat(noKey.err()).contains("s3://" + BUCKET + "/nothing/here.tfrecord");

    Cli.Outcome genNoBucket =
        Cli.run("gen", "--kind", "image", "--records", "10", "--out", "s3://no-such-bucket/x");
    assertThat(genNoBucket.exitCode()).isEqualTo(2);
    assertThat(genNoBucket.err()).contains("s3://no-such-bucket");
  }

  @Test
  void anEndpointNobodyAnswersIsAnIoFailureNamingIt() throws IOException {
    // A port nothing listens on: connections are refused at once, so the retries end quickly.
    Path config = pipeline("s3://" + BUCKET + "/tabular", "http://127.0.0.1:9");
    Cli.Outcome outcome = Cli.run("run", config.toString(), "--json");
    assertThat(outcome.exitCode()).as(outcome.err()).isEqualTo(1);
    assertThat(outcome.err()).contains("127.0.0.1:9").contains("s3://" + BUCKET + "/tabular");
  }

  private static JsonNode run(String files, String endpoint) throws IOException {
    Cli.Outcome outcome = Cli.run("run", pipeline(files, endpoint).toString(), "--digest", "--json");
    assertThat(outcome.exitCode()).as(outcome.err()).isZero();
    return outcome.json();
  }

  private static Path pipeline(String files, String endpoint) throws IOException {
    Path config = Files.createTempFile(dir, "pipeline", ".yaml");
    Files.writeString(config, String.join("\n",
        "version: 1",
        "source:",
        "  tfrecord:",
        "    files: [\"" + files + "\"]",
        "    shuffle_files: true",
        "    interleave: {cycle_length: 2, block_length: 8}",
        "stages:",
        "  - parse_example:",
        "      features:",
        "        features: {type: float32, shape: [32]}",
        "        label: {type: int64, shape: []}",
        "  - shuffle: {buffer_size: 100}",
        "  - batch: {batch_size: 64}",
        "repeat: 2",
        "options:",
        "  seed: 3",
        "  storage:",
        "    read_ahead: {block_size: 16KiB, depth: 2}",
        "    s3: {endpoint: \"" + endpoint + "\", path_style: true}",
        ""));
    return config;
  }

  private static String[] concat(String[] first, String last) {
    String[] all = java.util.Arrays.copyOf(first, first.length + 1);
    all[first.length] = last;
    return all;
  }
}
