package io.maestro.logging;

import java.util.regex.Pattern;

/**
 * What must never reach a log line: the value of any {@code token} / {@code access_token} query parameter (the
 * Observatory and SockJS put the bearer token in the event-bus URL) and anything shaped like a JWT, wherever it
 * appears. Applied by the access log to the URI it writes and, as the last line of defence, by the encoders in
 * logback.xml to every line whatever its source (Vert.x, Netty, a stack trace).
 */
public final class Redaction {
  public static final String REDACTED = "[redacted]";
  /** {@code token=…}, {@code access_token=…}, {@code refresh_token=…}: the value up to the next separator. */
  private static final Pattern TOKEN_PARAM = Pattern.compile("(?i)(\\b(?:[a-z]+_)?token=)[^&\\s\"'#;,\\\\]+");
  /** header.payload.signature, base64url, header starting with {"  (eyJ); the signature may be empty (alg none). */
  public static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*");

  private Redaction() {}

  public static String redact(String line) {
    if (line == null || line.indexOf('=') < 0 && !line.contains("eyJ")) {
      return line;
    }
    String out = TOKEN_PARAM.matcher(line).replaceAll("$1" + REDACTED);
    return JWT.matcher(out).replaceAll("[redacted JWT]");
  }
}
