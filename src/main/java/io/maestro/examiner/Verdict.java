package io.maestro.examiner;

import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The examiner's decision. The composite of the three scores decides, whatever verdict the model wrote:
 * ≥ 6.0 accept, 4.5–5.99 reject, below 4.5 hard reject.
 */
public record Verdict(double avatarFit, double engagement, double quality, double composite, String verdict,
    String reason, JsonArray redFlags) {
  public static final double ACCEPT_AT = 6.0;
  public static final double REJECT_AT = 4.5;

  public boolean accepted() {
    return verdict.equals("accept");
  }

  public static double composite(double avatarFit, double engagement, double quality) {
    return Math.round((0.35 * avatarFit + 0.35 * engagement + 0.30 * quality) * 100) / 100.0;
  }

  public static String decide(double composite) {
    return composite >= ACCEPT_AT ? "accept" : composite >= REJECT_AT ? "reject" : "hard_reject";
  }

  /** Reads a model's answer; a missing or out-of-range score is a content_error (scoring failed), not a guess. */
  public static Verdict of(JsonObject answer) {
    double fit = score(answer, "avatar_fit");
    double engagement = score(answer, "engagement_potential");
    double quality = score(answer, "content_quality");
    double composite = composite(fit, engagement, quality);
    String verdict = decide(composite);
    String modelVerdict = answer.getValue("verdict") instanceof String s ? s : null;
    String reason = answer.getValue("reason") instanceof String s && !s.isBlank() ? s.strip() : "no reason given";
    if (modelVerdict != null && !modelVerdict.toLowerCase().startsWith(verdict.equals("accept") ? "accept" : "rej")) {
      reason += " (the model said \"" + modelVerdict + "\"; the composite " + composite + " decides)";
    }
    JsonArray flags = new JsonArray();
    if (answer.getValue("red_flags") instanceof JsonArray given) {
      given.forEach(f -> flags.add(String.valueOf(f)));
    }
    return new Verdict(fit, engagement, quality, composite, verdict, reason, flags);
  }

  private static double score(JsonObject answer, String field) {
    Object value = answer.getValue(field);
    if (value instanceof String s) {
      try {
        value = Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        value = null;
      }
    }
    if (!(value instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() > 10 || Double.isNaN(n.doubleValue())) {
      throw new MaestroException(FailureCode.CONTENT_ERROR, "the examiner's answer has no valid " + field
          + " (0–10): " + answer.encode());
    }
    return n.doubleValue();
  }

  public JsonObject scores() {
    return new JsonObject().put("avatar_fit", avatarFit).put("engagement_potential", engagement)
        .put("content_quality", quality).put("composite", composite);
  }
}
