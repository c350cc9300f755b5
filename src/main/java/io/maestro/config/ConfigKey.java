package io.maestro.config;

import io.vertx.core.json.JsonObject;

/**
 * One configuration key: its dotted name in conf/config.json, the environment variable that overrides it, its
 * default and its meaning. {@link MaestroConfig} lists them all; the README's table mirrors that list (a test
 * keeps the two, and conf/config.json, in step).
 */
public record ConfigKey(String name, String env, Object defaultValue, Type type, long min, long max, String meaning) {

  public enum Type { STRING, INT, LONG, BOOLEAN, SECRET }

  public static ConfigKey string(String name, String env, String defaultValue, String meaning) {
    return new ConfigKey(name, env, defaultValue, Type.STRING, 0, 0, meaning);
  }

  public static ConfigKey secret(String name, String env, String meaning) {
    return new ConfigKey(name, env, "", Type.SECRET, 0, 0, meaning);
  }

  public static ConfigKey integer(String name, String env, int defaultValue, int min, int max, String meaning) {
    return new ConfigKey(name, env, defaultValue, Type.INT, min, max, meaning);
  }

  public static ConfigKey longValue(String name, String env, long defaultValue, long min, long max, String meaning) {
    return new ConfigKey(name, env, defaultValue, Type.LONG, min, max, meaning);
  }

  public static ConfigKey bool(String name, String env, boolean defaultValue, String meaning) {
    return new ConfigKey(name, env, defaultValue, Type.BOOLEAN, 0, 0, meaning);
  }

  /** Reads and validates this key from merged config; the exception names the key and its env variable. */
  Object read(JsonObject merged) {
    Object raw = merged.getValue(env);
    if (raw == null) {
      raw = merged.getValue(name);
    }
    if (raw == null) {
      return defaultValue;
    }
    return switch (type) {
      case STRING, SECRET -> raw.toString();
      case BOOLEAN -> parseBoolean(raw);
      case INT -> (int) parseNumber(raw);
      case LONG -> parseNumber(raw);
    };
  }

  private boolean parseBoolean(Object raw) {
    if (raw instanceof Boolean b) {
      return b;
    }
    String s = raw.toString().trim().toLowerCase();
    if (s.equals("true") || s.equals("false")) {
      return Boolean.parseBoolean(s);
    }
    throw invalid("expected true or false", raw);
  }

  private long parseNumber(Object raw) {
    long value;
    if (raw instanceof Number n) {
      if (n.doubleValue() != Math.rint(n.doubleValue())) {
        throw invalid("expected a whole number", raw);
      }
      value = n.longValue();
    } else {
      try {
        value = Long.parseLong(raw.toString().trim());
      } catch (NumberFormatException e) {
        throw invalid("expected a whole number from " + min + " to " + max, raw);
      }
    }
    if (value < min || value > max) {
      throw invalid("expected a whole number from " + min + " to " + max, raw);
    }
    return value;
  }

  ConfigException invalid(String expectation, Object raw) {
    return new ConfigException(name + " (" + env + "): " + expectation + ", got \"" + raw + "\"");
  }
}
