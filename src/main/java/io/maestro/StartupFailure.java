package io.maestro;

/** A start-up failure with a one-line reason (it names the config key where one is at fault). */
public class StartupFailure extends RuntimeException {
  public StartupFailure(String message) {
    super(message);
  }

  public StartupFailure(String message, Throwable cause) {
    super(message, cause);
  }

  /** The one line an operator sees: the first message in the chain that says something. */
  public static String describe(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof StartupFailure && c.getMessage() != null) {
        return c.getMessage().replace('\n', ' ');
      }
    }
    String message = t.getMessage();
    return (message == null || message.isBlank() ? t.getClass().getSimpleName() : message).replace('\n', ' ');
  }
}
