package io.maestro.config;

import io.maestro.StartupFailure;

/** An invalid configuration value; the message names the key and its environment variable. */
public class ConfigException extends StartupFailure {
  public ConfigException(String message) {
    super("invalid configuration: " + message);
  }
}
