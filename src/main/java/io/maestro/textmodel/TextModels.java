package io.maestro.textmodel;

import io.maestro.config.MaestroConfig;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses the text model from config: "auto" means DeepSeek when an API key is set, else the offline model. */
public final class TextModels {
  /** Key in the "maestro.runtime" local map: the active model's description, read by /ready. */
  /** Reply timeout of an agent request, in call budgets: up to three model rounds. */
  public static final int AGENT_CALLS = 3;
  /** Reply timeout of an examination, in call budgets: scoring, a replacement (agent rounds) and its scoring. */
  public static final int EXAMINATION_CALLS = 2 + AGENT_CALLS + 1;
  private static final Logger LOG = LoggerFactory.getLogger(TextModels.class);

  private TextModels() {}

  public static boolean usesDeepSeek(MaestroConfig config) {
    String provider = config.string(MaestroConfig.TEXT_MODEL);
    return provider.equals("deepseek") || provider.equals("auto") && !config.string(MaestroConfig.DEEPSEEK_API_KEY).isBlank();
  }

  public static TextModel create(Vertx vertx, MaestroConfig config) {
    TextModel model = usesDeepSeek(config) ? new DeepSeekTextModel(vertx, config)
        : new OfflineTextModel(config.longValue(MaestroConfig.TEXT_MODEL_SEED));
    LOG.info("Text model: {}", model.describe());
    return model;
  }

  /**
   * Worst case of one {@link TextModel#complete} call: content retry, rate-limit waits. Event-bus requests that
   * wrap model calls use multiples of it as their reply timeout, so a slow model is never mistaken for a lost actor.
   */
  public static long callBudgetMs(MaestroConfig config) {
    if (!usesDeepSeek(config)) {
      return 10_000;
    }
    int waits = config.integer(MaestroConfig.DEEPSEEK_RATE_LIMIT_WAITS);
    return config.longValue(MaestroConfig.DEEPSEEK_TIMEOUT) * (2 + waits) + waits * DeepSeekTextModel.MAX_WAIT_MS + 5_000;
  }
}
