package io.maestro.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * axe-core, the accessibility engine, run inside the page under test. The script comes from Maven (the
 * {@code com.deque.html.axe-core:selenium} jar carries {@code axe.min.js}) and is injected through WebDriver, which
 * is not bound by the page's Content-Security-Policy.
 */
public final class Axe {
  private static String script;

  private Axe() {}

  private static synchronized String script() throws IOException {
    if (script == null) {
      try (InputStream in = Axe.class.getClassLoader().getResourceAsStream("axe.min.js")) {
        if (in == null) {
          throw new AssertionError("axe.min.js is not on the test classpath (com.deque.html.axe-core:selenium)");
        }
        script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
    return script;
  }

  /** Violations of impact serious or critical on the current page, one line each (empty when clean). */
  public static List<String> seriousViolations(WebDriver driver) throws IOException {
    JavascriptExecutor js = (JavascriptExecutor) driver;
    if (!Boolean.TRUE.equals(js.executeScript("return !!window.axe"))) {
      js.executeScript(script());
    }
    Object raw = js.executeAsyncScript("""
        const done = arguments[arguments.length - 1];
        axe.run(document, { resultTypes: ['violations'] })
          .then(r => done(JSON.stringify(r.violations)))
          .catch(e => done(JSON.stringify([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }])));""");
    List<String> out = new ArrayList<>();
    for (Object o : new JsonArray((String) raw)) {
      JsonObject v = (JsonObject) o;
      String impact = v.getString("impact");
      if (!"serious".equals(impact) && !"critical".equals(impact)) {
        continue;
      }
      StringBuilder line = new StringBuilder(impact + " " + v.getString("id") + ": " + v.getString("help"));
      JsonArray nodes = v.getJsonArray("nodes", new JsonArray());
      for (int i = 0; i < Math.min(3, nodes.size()); i++) {
        JsonObject n = nodes.getJsonObject(i);
        line.append("\n    at ").append(n.getJsonArray("target")).append(" — ").append(n.getString("failureSummary"));
      }
      out.add(line.toString());
    }
    return out;
  }

  /** Every violation with its impact, for a report. */
  public static String summary(List<String> violations) {
    return violations.isEmpty() ? "none" : String.join("\n", violations);
  }
}
