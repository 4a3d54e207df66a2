package dev.ingest.tfrecord;

import dev.ingest.StorageOptions;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Turns the file arguments of a source or a command (files, folders and globs) into the list of
 * record files to read.
 *
 * <ul>
 *   <li>A file is itself.
 *   <li>A folder is every regular file directly in it, not in its subfolders, leaving out hidden
 *       files (names starting with {@code .}), as a shell's {@code DIR/*} would, and record index
 *       sidecars (names ending in {@code .idx}, see {@code ingest index}), which sit beside the
 *       shards they index and hold no records.
 *   <li>A glob ({@code *}, {@code ?}, {@code [...]} or <code>{a,b}</code> anywhere in it, with the
 *       syntax of {@link FileSystem#getPathMatcher}) is every regular file it matches, leaving
 *       out hidden files unless the pattern names them ({@code .*}) and {@code .idx} files unless
 *       the pattern ends in {@code .idx}. Relative globs are relative to the working directory;
 *       {@code **} crosses folders.
 * </ul>
 *
 * An argument written as a URI ({@code s3://bucket/prefix/*.tfrecord}) is resolved the same way
 * in the file system that serves its scheme ({@link StoragePaths}): a prefix ending in {@code /}
 * is a folder, and a glob is matched below its part without glob characters.
 *
 * <p>The result is sorted by path ({@link StoragePaths#order()}) and has no duplicates (two
 * spellings of one file count once, and the first spelling is kept). A relative argument gives
 * relative paths.
 */
public final class RecordFiles {
  private static final String GLOB_CHARACTERS = "*?[{";
  /** The record index sidecar's suffix ({@code dev.ingest.tfrecord.index.RecordIndex#SUFFIX}). */
  private static final String INDEX_SUFFIX = ".idx";

  private RecordFiles() {}

  /**
   * Resolves {@code arguments} as the class comment describes.
   *
   * @throws IllegalArgumentException if an argument matches no file; the message names it
   * @throws IOException if a folder cannot be listed
   */
  public static List<Path> resolve(List<String> arguments) throws IOException {
    return resolve(arguments, StorageOptions.defaults());
  }

  /**
   * Resolves {@code arguments} as the class comment describes, opening the file systems of URIs
   * with the settings {@code storage} gives for their schemes.
   *
   * @throws IllegalArgumentException if an argument matches no file; the message names it
   * @throws IOException if a folder cannot be listed
   */
  public static List<Path> resolve(List<String> arguments, StorageOptions storage)
      throws IOException {
    List<List<Path>> matchesPerArgument = new ArrayList<>();
    for (String argument : arguments) {
      List<Path> matches = resolveOne(argument, storage);
      if (matches.isEmpty()) {
        throw new IllegalArgumentException("no record file matches '" + argument + "'");
      }
      matchesPerArgument.add(matches);
    }
    return merge(matchesPerArgument);
  }

  /**
   * The one list {@link #resolve} makes of each argument's matches, in the arguments' order:
   * sorted by path, each file once (the first spelling kept). Public so that a caller that
   * resolved the arguments one by one (to say which matches nothing, or to size each) combines
   * them as {@code resolve} would instead of resolving them all again.
   */
  public static List<Path> merge(List<List<Path>> matchesPerArgument) {
    Map<Path, Path> byRealLocation = new LinkedHashMap<>();
    for (List<Path> matches : matchesPerArgument) {
      for (Path match : matches) {
        byRealLocation.putIfAbsent(match.toAbsolutePath().normalize(), match);
      }
    }
    List<Path> files = new ArrayList<>(byRealLocation.values());
    files.sort(StoragePaths.order());
    return List.copyOf(files);
  }

  /** True when {@code argument} holds a glob character. */
  public static boolean isGlob(String argument) {
    return firstGlobIndex(argument) >= 0;
  }

  /**
   * The index of {@code pattern}'s first glob character ({@code *}, {@code ?}, {@code [} or
   * <code>{</code>), or -1 when it has none; public so that code that names a glob's folder
   * agrees with what {@link #resolve} takes for a glob.
   */
  public static int firstGlobIndex(String pattern) {
    for (int i = 0; i < pattern.length(); i++) {
      if (GLOB_CHARACTERS.indexOf(pattern.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The files {@code argument} names, as {@link #resolve} takes it, without failing on none (an
   * empty list). For a caller that resolves the arguments one by one (see {@link #merge}).
   */
  public static List<Path> resolveOne(String argument, StorageOptions storage)
      throws IOException {
    List<Path> matches = matchesOf(argument, storage);
    if (matches.isEmpty() && StoragePaths.isUri(argument)) {
      // Nothing under a prefix is also what a missing bucket, or one this user may not list,
      // looks like: asking for the bucket itself says which (NoSuchFileException or
      // AccessDeniedException, naming it), or a store that cannot be reached at all.
      Path bucket = StoragePaths.path(argument, storage).getRoot();
      Files.readAttributes(bucket, BasicFileAttributes.class);
    }
    return matches;
  }

  private static List<Path> matchesOf(String argument, StorageOptions storage)
      throws IOException {
    if (isGlob(argument)) {
      return glob(argument, storage);
    }
    Path path = StoragePaths.path(argument, storage).normalize();
    if (StoragePaths.isLocal(path)) {
      if (Files.isDirectory(path)) {
        return visibleFilesIn(path);
      }
      return Files.isRegularFile(path) ? List.of(path) : List.of();
    }
    BasicFileAttributes attributes;
    try {
      // One question to the store, whose failure is told: a store that cannot be reached, or
      // that refuses this user, says so here instead of passing for "no such file" as
      // isDirectory would (and each later question would wait out the retries again).
      attributes = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return List.of();
    }
    if (attributes.isDirectory()) {
      return visibleFilesIn(path);
    }
    return attributes.isRegularFile() ? List.of(path) : List.of();
  }

  private static List<Path> visibleFilesIn(Path folder) throws IOException {
    try (Stream<Path> children = Files.list(folder)) {
      return children.filter(RecordFiles::isVisibleRegularFile).sorted().toList();
    }
  }

  /**
   * Walks from the longest leading part of the pattern without glob characters, as deep as the
   * rest of the pattern has segments (or all the way for {@code **}).
   */
  private static List<Path> glob(String pattern, StorageOptions storage) throws IOException {
    String separator = StoragePaths.isUri(pattern) ? "/" : FileSystems.getDefault().getSeparator();
    int firstGlob = firstGlobIndex(pattern);
    int baseEnd =
        Math.max(pattern.lastIndexOf('/', firstGlob), pattern.lastIndexOf(separator, firstGlob));
    String basePart = baseEnd < 0 ? "" : pattern.substring(0, baseEnd + 1);
    String rest = pattern.substring(baseEnd + 1);
    int pathStart = StoragePaths.isUri(pattern)
        ? pattern.indexOf('/', pattern.indexOf("://") + 3) : 0;
    if (pathStart < 0 || firstGlob < pathStart) {
      // The glob is in the scheme or the bucket: no store lists those.
      throw new IllegalArgumentException("cannot match '" + pattern + "': a glob may not stand in"
          + " a URI's scheme or bucket, only in the path after it");
    }
    Path base = StoragePaths.path(basePart, storage);
    FileSystem fileSystem = base.getFileSystem();
    Path walkRoot = basePart.isEmpty() ? Path.of(".") : base;
    if (!Files.isDirectory(walkRoot)) {
      return List.of();
    }
    int depth = rest.contains("**") ? Integer.MAX_VALUE : rest.split("[/\\\\]+").length;
    PathMatcher matcher = fileSystem.getPathMatcher("glob:" + rest);
    boolean showHidden = rest.startsWith(".") || rest.contains("/.");
    boolean showIndexes = rest.endsWith(INDEX_SUFFIX);
    try (Stream<Path> walk = Files.walk(walkRoot, depth)) {
      return walk.filter(path -> !path.equals(walkRoot))
          .filter(path -> matcher.matches(walkRoot.relativize(path)))
          .filter(path -> Files.isRegularFile(path) && (showHidden || !isHidden(path))
              && (showIndexes || !isIndex(path)))
          // A store's paths are absolute already, and carry what its listing said of them.
          .map(path -> StoragePaths.isLocal(path)
              ? base.resolve(walkRoot.relativize(path)).normalize() : path)
          .sorted()
          .toList();
    }
  }

  private static boolean isVisibleRegularFile(Path path) {
    return Files.isRegularFile(path) && !isHidden(path) && !isIndex(path);
  }

  private static boolean isIndex(Path path) {
    return path.getFileName().toString().endsWith(INDEX_SUFFIX);
  }

  private static boolean isHidden(Path path) {
    return path.getFileName().toString().startsWith(".");
  }
}
