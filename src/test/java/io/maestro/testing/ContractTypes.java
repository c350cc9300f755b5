package io.maestro.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks JSON answers against type descriptions kept as a fixture (a tiny TypeScript-like notation: boolean, number,
 * string, null, {@code A|B}, {@code array<T>}, {@code record<T>}, {@code enum:a|b|null}, named types, optional keys
 * ending in '?'). Returns every violation with its JSON path, so one run shows the whole difference.
 */
public final class ContractTypes {
  private final JsonObject types;

  private ContractTypes(JsonObject types) {
    this.types = types;
  }

  public static ContractTypes load(String resource) {
    try (InputStream in = ContractTypes.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no test resource " + resource);
      }
      return new ContractTypes(new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The fixture's own route → type table. */
  public String typeOf(String route) {
    return types.getJsonObject("_routes").getString(route);
  }

  /** Required (non-optional) keys of a named type. */
  public List<String> required(String type) {
    return types.getJsonObject(type).fieldNames().stream().filter(k -> !k.endsWith("?")).sorted().toList();
  }

  public List<String> violations(Object value, String type) {
    List<String> out = new ArrayList<>();
    check(value, type, "$", out);
    return out;
  }

  private void check(Object value, String type, String path, List<String> out) {
    if (type.startsWith("enum:")) {
      List<String> allowed = List.of(type.substring(5).split("\\|"));
      String actual = value == null ? "null" : value instanceof String s ? s : null;
      if (actual == null || !allowed.contains(actual)) {
        out.add(path + ": " + value + " is not one of " + allowed);
      }
      return;
    }
    List<String> alternatives = splitTop(type);
    if (alternatives.size() > 1) {
      for (String alt : alternatives) {
        List<String> tried = new ArrayList<>();
        check(value, alt, path, tried);
        if (tried.isEmpty()) {
          return;
        }
      }
      out.add(path + ": " + shorten(value) + " is none of " + type);
      return;
    }
    checkOne(value, type, path, out);
  }

  private void checkOne(Object value, String type, String path, List<String> out) {
    switch (type) {
      case "null" -> expect(value == null, path, value, type, out);
      case "boolean" -> expect(value instanceof Boolean, path, value, type, out);
      case "number" -> expect(value instanceof Number, path, value, type, out);
      case "string" -> expect(value instanceof String, path, value, type, out);
      default -> {
        if (type.startsWith("array<")) {
          String inner = type.substring(6, type.length() - 1);
          if (expect(value instanceof JsonArray, path, value, type, out)) {
            JsonArray array = (JsonArray) value;
            for (int i = 0; i < array.size(); i++) {
              check(array.getValue(i), inner, path + "[" + i + "]", out);
            }
          }
        } else if (type.startsWith("record<")) {
          String inner = type.substring(7, type.length() - 1);
          if (expect(value instanceof JsonObject, path, value, type, out)) {
            ((JsonObject) value).forEach(e -> check(e.getValue(), inner, path + "." + e.getKey(), out));
          }
        } else {
          checkObject(value, type, path, out);
        }
      }
    }
  }

  private void checkObject(Object value, String type, String path, List<String> out) {
    JsonObject shape = types.getJsonObject(type);
    if (shape == null) {
      throw new IllegalArgumentException("the fixture has no type " + type);
    }
    if (!expect(value instanceof JsonObject, path, value, type, out)) {
      return;
    }
    JsonObject object = (JsonObject) value;
    shape.forEach(e -> {
      boolean optional = e.getKey().endsWith("?");
      String key = optional ? e.getKey().substring(0, e.getKey().length() - 1) : e.getKey();
      if (!object.containsKey(key)) {
        if (!optional) {
          out.add(path + "." + key + ": missing");
        }
        return;
      }
      check(object.getValue(key), (String) e.getValue(), path + "." + key, out);
    });
  }

  private static boolean expect(boolean ok, String path, Object value, String type, List<String> out) {
    if (!ok) {
      out.add(path + ": " + shorten(value) + " is not " + type);
    }
    return ok;
  }

  /** Splits "A|array<B|C>|null" at the top level only. */
  private static List<String> splitTop(String type) {
    return TopLevel.split(type, '|', '<', '>');
  }

  private static String shorten(Object value) {
    String s = String.valueOf(value);
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }
}
