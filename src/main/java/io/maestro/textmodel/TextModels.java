package io.maestro.textmodel;

import io.maestro.config.MaestroConfig;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the text model from config: "auto" means DeepSeek when an API key is set, else the offline model; "openai"
 * is any OpenAI-compatible chat-completions endpoint.
 */
public final class TextModels {
  /** Key in the "maestro.runtime" local map: the active model's description, read by /ready. */
  /** Reply timeout of an agent request, in call budgets: up to three model rounds. */
  public static final int AGENT_CALLS = 3;
  /** Reply timeout of an examination, in call budgets: scoring, a replacement (agent rounds) and its scoring. */
  public static final int EXAMINATION_CALLS = 2 + AGENT_CALLS + 1;
  private static final Logger LOG = LoggerFactory.getLogger(TextModels.class);

  private TextModels() {}

  /** The provider in effect: deepseek, openai or offline ("auto" resolved). */
  public static String provider(MaestroConfig config) {
    String provider = config.string(MaestroConfig.TEXT_MODEL);
    if (provider.equals("auto")) {
      return config.string(MaestroConfig.DEEPSEEK_API_KEY).isBlank() ? "offline" : "deepseek";
    }
    return provider;
  }

  /** The network endpoint in effect, or null for the offline model. */
  static ChatCompletionsTextModel.Endpoint endpoint(MaestroConfig config) {
    return switch (provider(config)) {
      case "deepseek" -> ChatCompletionsTextModel.Endpoint.deepSeek(config);
      case "openai" -> ChatCompletionsTextModel.Endpoint.openAi(config);
      default -> null;
    };
  }

  public static TextModel create(Vertx vertx, MaestroConfig config) {
    ChatCompletionsTextModel.Endpoint endpoint = endpoint(config);
    TextModel model = endpoint != null ? new ChatCompletionsTextModel(vertx, endpoint)
        : new OfflineTextModel(config.longValue(MaestroConfig.TEXT_MODEL_SEED));
    LOG.info("Text model: {}", model.describe());
    return model;
  }

  /**
   * Worst case of one {@link TextModel#complete} call: content retry, rate-limit waits. Event-bus requests that
   * wrap model calls use multiples of it as their reply timeout, so a slow model is never mistaken for a lost actor.
   */
  public static long callBudgetMs(MaestroConfig config) {
    ChatCompletionsTextModel.Endpoint endpoint = endpoint(config);
    if (endpoint == null) {
      return 10_000;
    }
    int waits = endpoint.rateLimitWaits();
    return endpoint.timeoutMs() * (2 + waits) + waits * ChatCompletionsTextModel.MAX_WAIT_MS + 5_000;
  }
}
