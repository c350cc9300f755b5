package io.maestro.storage;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Object keys and their content types. Keys are built only from sanitised segments, so no key can climb out of
 * the store's root whatever a user id or brand looks like.
 */
public final class MediaKeys {
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
  private static final Map<String, String> TYPES = Map.of(
      "png", "image/png", "jpg", "image/jpeg", "jpeg", "image/jpeg", "mp4", "video/mp4", "webp", "image/webp",
      "json", "application/json");

  private MediaKeys() {}

  /** Joins segments into a key, replacing every unsafe character with '_' (".." cannot survive). */
  public static String of(String... segments) {
    StringBuilder key = new StringBuilder();
    for (String segment : segments) {
      String clean = segment == null ? "_" : segment.replaceAll("[^A-Za-z0-9._-]", "_");
      if (clean.isEmpty() || clean.startsWith(".")) {
        clean = "_" + clean;
      }
      if (key.length() > 0) {
        key.append('/');
      }
      key.append(clean);
    }
    return key.toString();
  }

  /** True when every segment is a plain name: no "..", no absolute path, no empty segment. */
  public static boolean valid(String key) {
    if (key == null || key.isEmpty() || key.length() > 1024) {
      return false;
    }
    for (String segment : key.split("/", -1)) {
      if (!SEGMENT.matcher(segment).matches()) {
        return false;
      }
    }
    return true;
  }

  public static String contentType(String key) {
    int dot = key.lastIndexOf('.');
    String ext = dot < 0 ? "" : key.substring(dot + 1).toLowerCase();
    return TYPES.getOrDefault(ext, "application/octet-stream");
  }
}
