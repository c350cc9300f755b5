package io.maestro.textmodel;

import static io.maestro.fakes.FakeDeepSeek.afterBlankLines;
import static io.maestro.fakes.FakeDeepSeek.completion;
import static io.maestro.fakes.FakeDeepSeek.error;
import static io.maestro.fakes.FakeDeepSeek.hang;
import static io.maestro.fakes.FakeDeepSeek.ok;
import static io.maestro.fakes.FakeDeepSeek.rateLimited;
import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.config.MaestroConfig;
import io.maestro.failure.Failure;
import io.maestro.failure.FailureClassifier;
import io.maestro.failure.FailureCode;
import io.maestro.fakes.FakeDeepSeek;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("Chat-completions client (DeepSeek and any OpenAI-compatible endpoint): every answer of a "
    + "protocol-faithful fake gives the documented, classified outcome")
class ChatCompletionsTextModelTest {
  private static final JsonObject ANSWER = new JsonObject().put("avatar_fit", 7).put("engagement_potential", 6)
      .put("content_quality", 8).put("verdict", "accept").put("reason", "fine").put("red_flags", new JsonArray());
  private static Vertx vertx;
  private FakeDeepSeek fake;
  private ChatCompletionsTextModel model;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start() throws Exception {
    fake = FakeDeepSeek.start(vertx);
    model = new ChatCompletionsTextModel(vertx, ChatCompletionsTextModel.Endpoint.deepSeek(config(fake.baseUrl())));
  }

  private static MaestroConfig config(String baseUrl) {
    return MaestroConfig.from(new JsonObject().put("textModel.provider", "deepseek").put("deepseek.apiKey", "sk-test")
        .put("deepseek.baseUrl", baseUrl).put("deepseek.model", "deepseek-chat").put("deepseek.timeoutMs", 1500)
        .put("deepseek.maxRateLimitWaits", 2));
  }

  @AfterEach
  void stop() throws Exception {
    model.close();
    fake.close();
  }

  private static TextTask task() {
    return Prompts.examination(new JsonObject()
        .put("proposal", new JsonObject().put("title", "5 sleep habits").put("content_lines", new JsonArray().add("a"))
            .put("content_type", "post"))
        .put("brand", new JsonObject().put("brand_id", "healthycollege").put("display_name", "Healthy College")
            .put("topics", new JsonArray().add("sleep"))));
  }

  private Object outcome() {
    try {
      return model.complete(task()).await(20, TimeUnit.SECONDS);
    } catch (Throwable e) {
      return FailureClassifier.classify(e);
    }
  }

  static Stream<Arguments> faults() {
    String good = ANSWER.encode();
    return Stream.of(
        Arguments.of("401 bad key", new FakeDeepSeek.Reply[] {error(401, "authentication_error",
            "Authentication Fails, Your api key: ****test is invalid")}, FailureCode.API_AUTH, "Authentication Fails", 1),
        Arguments.of("402 no balance", new FakeDeepSeek.Reply[] {error(402, "unknown_error", "Insufficient Balance")},
            FailureCode.API_QUOTA_EXHAUSTED, "Insufficient Balance", 1),
        Arguments.of("422 balance", new FakeDeepSeek.Reply[] {error(422, "invalid_request_error",
            "Insufficient balance to run this request")}, FailureCode.API_QUOTA_EXHAUSTED, "Insufficient balance", 1),
        Arguments.of("422 bad parameters", new FakeDeepSeek.Reply[] {error(422, "invalid_request_error",
            "Model Not Exist")}, FailureCode.CONFIG_ERROR, "Model Not Exist", 1),
        Arguments.of("429 then 200", new FakeDeepSeek.Reply[] {rateLimited("0"), ok(ANSWER)}, null, null, 2),
        Arguments.of("429 three times (2 waits allowed)", new FakeDeepSeek.Reply[] {rateLimited("0"), rateLimited("0"),
            rateLimited("0")}, FailureCode.API_RATE_LIMITED, "Rate Limit Reached", 3),
        Arguments.of("500", new FakeDeepSeek.Reply[] {error(500, "server_error", "Server Error")}, FailureCode.API_ERROR,
            "DeepSeek 500", 1),
        Arguments.of("503", new FakeDeepSeek.Reply[] {error(503, "server_overloaded", "Server Overloaded")},
            FailureCode.API_ERROR, "Server Overloaded", 1),
        Arguments.of("blank content, then good", new FakeDeepSeek.Reply[] {completion("", "stop"), ok(ANSWER)}, null,
            null, 2),
        Arguments.of("blank content twice", new FakeDeepSeek.Reply[] {completion("  \n", "stop"), completion("", "stop")},
            FailureCode.CONTENT_ERROR, "blank content", 2),
        Arguments.of("fenced JSON", new FakeDeepSeek.Reply[] {completion("```json\n" + good + "\n```", "stop")}, null,
            null, 1),
        Arguments.of("leading blank lines", new FakeDeepSeek.Reply[] {afterBlankLines(ok(ANSWER), 5)}, null, null, 1),
        Arguments.of("truncated JSON, then good", new FakeDeepSeek.Reply[] {completion(good.substring(0, 30), "stop"),
            ok(ANSWER)}, null, null, 2),
        Arguments.of("truncated JSON twice", new FakeDeepSeek.Reply[] {completion(good.substring(0, 30), "stop"),
            completion(good.substring(0, 20), "stop")}, FailureCode.CONTENT_ERROR, "not a JSON object", 2),
        Arguments.of("finish_reason length", new FakeDeepSeek.Reply[] {completion(good.substring(0, 30), "length")},
            FailureCode.CONTENT_ERROR, "finish_reason: length", 1),
        Arguments.of("a hang past the timeout", new FakeDeepSeek.Reply[] {hang()}, FailureCode.API_ERROR,
            "did not answer within 1500 ms", 1));
  }

  @ParameterizedTest(name = "{0} → {2}")
  @MethodSource("faults")
  @DisplayName("each fault ends in the documented outcome; failures carry their category and DeepSeek's message")
  void faultOutcomes(String name, FakeDeepSeek.Reply[] replies, FailureCode expected, String message, int calls) {
    fake.then(replies);
    Object outcome = outcome();
    if (expected == null) {
      assertThat(outcome).as(name).isEqualTo(ANSWER);
    } else {
      assertThat(outcome).as(name).isInstanceOf(Failure.class);
      Failure failure = (Failure) outcome;
      assertThat(failure.code()).as(failure.message()).isEqualTo(expected);
      assertThat(failure.message()).contains(message);
    }
    assertThat(fake.requests()).as("calls made").hasSize(calls);
  }

  @Test
  @DisplayName("the request is OpenAI-shaped JSON mode: model, bearer key, response_format json_object, 'json' in the prompt")
  void requestShape() {
    fake.then(ok(ANSWER));
    assertThat(outcome()).isEqualTo(ANSWER);
    JsonObject request = fake.requests().get(0);
    assertThat(request.getString("model")).isEqualTo("deepseek-chat");
    assertThat(request.getJsonObject("response_format").getString("type")).isEqualTo("json_object");
    assertThat(request.getJsonArray("messages")).hasSize(2);
    assertThat(FakeDeepSeek.userPrompt(request).toLowerCase()).contains("json");
    assertThat(fake.authorizations().get(0)).isEqualTo("Bearer sk-test");
  }

  @Test
  @DisplayName("a refused connection is api_error naming the URL")
  void connectionRefused() throws Exception {
    String url = fake.baseUrl();
    fake.close();
    model = new ChatCompletionsTextModel(vertx, ChatCompletionsTextModel.Endpoint.deepSeek(config(url)));
    Object outcome = outcome();
    assertThat(outcome).isInstanceOf(Failure.class);
    assertThat(((Failure) outcome).code()).isEqualTo(FailureCode.API_ERROR);
    assertThat(((Failure) outcome).message()).contains("DeepSeek unreachable").contains(url);
    fake = FakeDeepSeek.start(vertx);
  }

  @Test
  @DisplayName("a rate limit without Retry-After still waits and retries (backoff), without spending the content retry")
  void rateLimitWithoutHeader() {
    fake.then(error(429, "rate_limit_reached_error", "Rate Limit Reached"), ok(ANSWER));
    assertThat(outcome()).isEqualTo(ANSWER);
    assertThat(fake.requests()).hasSize(2);
  }

  @Test
  @DisplayName("provider openai: {baseUrl}/chat/completions under a /v1 prefix, its model, no Authorization without a key")
  void openAiCompatibleWithoutKey() throws Exception {
    model.close();
    MaestroConfig config = MaestroConfig.from(new JsonObject().put("textModel.provider", "openai")
        .put("openai.baseUrl", fake.baseUrl() + "/v1/").put("openai.model", "llama3.1").put("openai.timeoutMs", 1500));
    model = (ChatCompletionsTextModel) TextModels.create(vertx, config);
    assertThat(model.describe()).isEqualTo("openai (llama3.1 at " + fake.baseUrl() + "/v1)");
    fake.then(ok(ANSWER));
    assertThat(outcome()).isEqualTo(ANSWER);
    assertThat(fake.paths()).containsExactly("/v1/chat/completions");
    assertThat(fake.requests().get(0).getString("model")).isEqualTo("llama3.1");
    assertThat(fake.requests().get(0).getJsonObject("response_format").getString("type")).isEqualTo("json_object");
    assertThat(fake.authorizations()).containsExactly("null");
  }

  @Test
  @DisplayName("provider openai with a key: bearer key sent; a 401 is api_auth naming openai.apiKey, not DeepSeek")
  void openAiCompatibleWithKey() throws Exception {
    model.close();
    model = new ChatCompletionsTextModel(vertx, ChatCompletionsTextModel.Endpoint.openAi(MaestroConfig.from(
        new JsonObject().put("textModel.provider", "openai").put("openai.baseUrl", fake.baseUrl() + "/v1")
            .put("openai.apiKey", "sk-openai").put("openai.timeoutMs", 1500))));
    fake.then(ok(ANSWER), error(401, "invalid_request_error", "Incorrect API key provided"));
    assertThat(outcome()).isEqualTo(ANSWER);
    assertThat(fake.authorizations().get(0)).isEqualTo("Bearer sk-openai");
    assertThat(fake.requests().get(0).getString("model")).isEqualTo("gpt-4o-mini");
    Object refused = outcome();
    assertThat(refused).isInstanceOf(Failure.class);
    assertThat(((Failure) refused).code()).isEqualTo(FailureCode.API_AUTH);
    assertThat(((Failure) refused).message()).contains("OpenAI-compatible endpoint 401").contains("openai.apiKey")
        .contains("Incorrect API key provided").doesNotContain("DeepSeek");
  }
}
