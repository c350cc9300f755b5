package io.maestro.logging;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.nio.charset.Charset;

/** logback's pattern encoder, with {@link Redaction} applied to each encoded line (message, MDC, stack trace). */
public class RedactingPatternLayoutEncoder extends PatternLayoutEncoder {
  @Override
  public byte[] encode(ILoggingEvent event) {
    Charset charset = getCharset() == null ? Charset.defaultCharset() : getCharset();
    return Redaction.redact(new String(super.encode(event), charset)).getBytes(charset);
  }
}
