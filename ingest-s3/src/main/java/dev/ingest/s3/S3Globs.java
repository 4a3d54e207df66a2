package dev.ingest.s3;

import java.util.regex.PatternSyntaxException;

/**
 * Glob patterns as regular expressions, with the JDK's glob semantics on Unix ({@link
 * java.nio.file.FileSystem#getPathMatcher}): {@code *} matches within a name, {@code **} across
 * names, {@code ?} one character of a name, {@code [a-z]} and {@code [!a-z]} one character of a
 * class, {@code {a,b}} either alternative, and {@code \} escapes. Matching does not depend on the
 * platform the JVM runs on, as keys are always separated by "/".
 */
final class S3Globs {
  private static final String REGEX_META = ".^$+{[]|()";
  private static final String GLOB_META = "\\*?[{";

  private S3Globs() {}

  /**
   * The regular expression that matches what {@code glob} matches.
   *
   * @throws PatternSyntaxException where the glob is malformed
   */
  static String toRegex(String glob) {
    StringBuilder regex = new StringBuilder("^");
    boolean inGroup = false;
    int i = 0;
    while (i < glob.length()) {
      char c = glob.charAt(i++);
      switch (c) {
        case '\\':
          if (i == glob.length()) {
            throw new PatternSyntaxException("No character to escape", glob, i - 1);
          }
          char escaped = glob.charAt(i++);
          if (isGlobMeta(escaped) || isRegexMeta(escaped)) {
            regex.append('\\');
          }
          regex.append(escaped);
          break;
        case '/':
          regex.append(c);
          break;
        case '[':
          i = bracket(glob, i, regex);
          break;
        case '{':
          if (inGroup) {
            throw new PatternSyntaxException("Cannot nest groups", glob, i - 1);
          }
          regex.append("(?:(?:");
          inGroup = true;
          break;
        case '}':
          if (inGroup) {
            regex.append("))");
            inGroup = false;
          } else {
            regex.append('}');
          }
          break;
        case ',':
          regex.append(inGroup ? ")|(?:" : ",");
          break;
        case '*':
          if (i < glob.length() && glob.charAt(i) == '*') {
            regex.append(".*");
            i++;
          } else {
            regex.append("[^/]*");
          }
          break;
        case '?':
          regex.append("[^/]");
          break;
        default:
          if (isRegexMeta(c)) {
            regex.append('\\');
          }
          regex.append(c);
      }
    }
    if (inGroup) {
      throw new PatternSyntaxException("Missing '}'", glob, i - 1);
    }
    return regex.append('$').toString();
  }

  // A bracket expression, from just after its '['; returns where the glob goes on.
  private static int bracket(String glob, int start, StringBuilder regex) {
    int i = start;
    regex.append("[[^/]&&[");
    if (i < glob.length() && glob.charAt(i) == '^') {
      regex.append("\\^");
      i++;
    } else {
      if (i < glob.length() && glob.charAt(i) == '!') {
        regex.append('^');
        i++;
      }
      if (i < glob.length() && glob.charAt(i) == '-') {
        regex.append('-');
        i++;
      }
    }
    boolean hasRangeStart = false;
    char last = 0;
    while (i < glob.length()) {
      char c = glob.charAt(i++);
      if (c == ']') {
        regex.append("]]");
        return i;
      }
      if (c == '/') {
        throw new PatternSyntaxException("Explicit 'name separator' in class", glob, i - 1);
      }
      if (c == '\\' || c == '[' || c == '&' && i < glob.length() && glob.charAt(i) == '&') {
        regex.append('\\');
      }
      regex.append(c);
      if (c == '-') {
        if (!hasRangeStart) {
          throw new PatternSyntaxException("Invalid range", glob, i - 1);
        }
        if (i == glob.length()) {
          break;
        }
        c = glob.charAt(i++);
        if (c < last) {
          throw new PatternSyntaxException("Invalid range", glob, i - 3);
        }
        regex.append(c);
        hasRangeStart = false;
      } else {
        hasRangeStart = true;
        last = c;
      }
    }
    throw new PatternSyntaxException("Missing ']", glob, i - 1);
  }

  private static boolean isRegexMeta(char c) {
    return REGEX_META.indexOf(c) >= 0;
  }

  private static boolean isGlobMeta(char c) {
    return GLOB_META.indexOf(c) >= 0;
  }
}
