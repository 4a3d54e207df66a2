package dev.ingest.cli;

import dev.ingest.tfrecord.Compression;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --compression auto|none|gzip|zlib}, in any case; anything else is a usage error. */
final class CompressionConverter implements ITypeConverter<Compression> {
  @Override
  public Compression convert(String value) {
    try {
      return Compression.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
