package dev.ingest.cli.config;

import dev.ingest.cli.config.ConfigException.Problem;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a pipeline config's text. Every way the file itself can be wrong (missing, a folder,
 * unreadable, too large, not UTF-8) is the user's to fix, so each is a {@link ConfigException}
 * naming the file rather than an I/O failure.
 */
final class ConfigFile {
  private ConfigFile() {}

  static String read(Path file) throws ConfigException {
    if (Files.isDirectory(file)) {
      throw wholeFile(file, "is a folder; give the pipeline's YAML file");
    }
    try {
      // UTF-8 takes at most four bytes a character: a larger file has too many characters.
      if (Files.size(file) > ConfigReader.MAX_CHARS * 4L) {
        throw wholeFile(file, "the config file is too large (at most "
            + ConfigReader.MAX_CHARS + " characters)");
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw wholeFile(file, "no such file");
    } catch (AccessDeniedException e) {
      throw wholeFile(file, "cannot read it: permission denied");
    } catch (CharacterCodingException e) {
      throw wholeFile(file, "not UTF-8 text");
    } catch (IOException e) {
      throw wholeFile(file, "cannot read it: " + (e.getMessage() == null ? e : e.getMessage()));
    }
  }

  private static ConfigException wholeFile(Path file, String message) {
    return new ConfigException(file.toString(), List.of(new Problem("", 0, 0, message)));
  }
}
