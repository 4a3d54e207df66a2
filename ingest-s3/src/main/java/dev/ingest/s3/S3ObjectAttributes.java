package dev.ingest.s3;

import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the store says about an object or a folder-like prefix. An object's {@link #fileKey()} is
 * its ETag, which changes whenever its bytes do: with the size it is the object's identity in a
 * cache fingerprint. A folder has size 0, no ETag and the epoch as its times (a prefix has no
 * time of its own).
 *
 * @param size the object's bytes, 0 for a folder
 * @param eTag the ETag as the store gives it (quotes included), null for a folder
 * @param lastModified when the object was last written
 * @param directory whether this is a folder-like prefix
 */
public record S3ObjectAttributes(long size, String eTag, FileTime lastModified, boolean directory)
    implements BasicFileAttributes {
  private static final FileTime NO_TIME = FileTime.from(Instant.EPOCH);

  /**
   * An object as listed or HEAD'ed. The time is cut to whole seconds: a listing gives
   * milliseconds but a HEAD's HTTP date only seconds, and a cache fingerprint must not change
   * with the way the object was looked at.
   */
  static S3ObjectAttributes object(long size, String eTag, Instant lastModified) {
    return new S3ObjectAttributes(size, eTag, lastModified == null ? NO_TIME
        : FileTime.from(lastModified.truncatedTo(ChronoUnit.SECONDS)), false);
  }

  /** A folder: a prefix with objects under it, or the bucket root. */
  static S3ObjectAttributes folder() {
    return new S3ObjectAttributes(0, null, NO_TIME, true);
  }

  @Override
  public FileTime lastModifiedTime() {
    return lastModified;
  }

  @Override
  public FileTime lastAccessTime() {
    return lastModified;
  }

  @Override
  public FileTime creationTime() {
    return lastModified;
  }

  @Override
  public boolean isRegularFile() {
    return !directory;
  }

  @Override
  public boolean isDirectory() {
    return directory;
  }

  @Override
  public boolean isSymbolicLink() {
    return false;
  }

  @Override
  public boolean isOther() {
    return false;
  }

  /** The ETag, or null for a folder. */
  @Override
  public Object fileKey() {
    return eTag;
  }

  /** The attributes by their "basic" view names, as {@code Files.readAttributes(path, "*")}. */
  Map<String, Object> asMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("lastModifiedTime", lastModifiedTime());
    map.put("lastAccessTime", lastAccessTime());
    map.put("creationTime", creationTime());
    map.put("size", size);
    map.put("isRegularFile", isRegularFile());
    map.put("isDirectory", directory);
    map.put("isSymbolicLink", false);
    map.put("isOther", false);
    map.put("fileKey", eTag);
    return map;
  }
}
