package io.maestro.testing;

import java.util.ArrayList;
import java.util.List;

/** Splits text at the separators that stand outside any brackets: a type union, an SQL SET list. */
public final class TopLevel {
  private TopLevel() {}

  /** "A|array<B|C>|null" at '|' within '<' '>' gives A, array<B|C>, null. */
  public static List<String> split(String text, char separator, char open, char close) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      depth += c == open ? 1 : c == close ? -1 : 0;
      if (c == separator && depth == 0) {
        parts.add(text.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(text.substring(start));
    return parts;
  }
}
