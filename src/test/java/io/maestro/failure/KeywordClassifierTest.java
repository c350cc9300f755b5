package io.maestro.failure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("KeywordClassifier: the seed healer's keyword table, for text-only failures")
class KeywordClassifierTest {

  @DisplayName("each keyword of the table, in table order, maps to its category")
  @ParameterizedTest(name = "\"{0}\" -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      Worker killed: JOB_TIMEOUT after 600s                     | JOB_TIMEOUT
      Error while opening encoder for output stream #0:0        | FFMPEG_ENCODER
      Resource temporarily unavailable                          | FFMPEG_RESOURCE
      Cannot allocate memory                                    | FFMPEG_MEMORY
      ffmpeg exited with status 1                               | FFMPEG_OTHER
      Video render crashed                                      | FFMPEG_OTHER
      OpenAI API returned garbage                               | API_ERROR
      Read timeout after 30s                                    | API_ERROR
      Connection reset by peer                                  | API_ERROR
      Rate limit exceeded                                       | API_ERROR
      HTTP 503 Service Unavailable                              | API_ERROR
      HTTP 502 Bad Gateway                                      | API_ERROR
      HTTP 429 Too Many Requests                                | API_ERROR
      KeyError: content_lines                                   | CONTENT_ERROR
      Generated script was empty                                | CONTENT_ERROR
      File not found: /media/brand/clip-1.mp4                   | FILE_NOT_FOUND
      Background render returned no pixels                      | IMAGE_GENERATION_ERROR
      Image generation failed                                   | IMAGE_GENERATION_ERROR
      HQ generation failed for slide 3                          | IMAGE_GENERATION_ERROR
      Storage bucket refused the object                         | STORAGE_ERROR
      Upload failed                                             | STORAGE_ERROR
      Supabase returned 500                                     | STORAGE_ERROR
      SECRET_KEY not found in environment                       | CONFIG_ERROR
      Brand channel not configured                              | CONFIG_ERROR
      Missing config for brand                                  | CONFIG_ERROR
      Something odd happened                                    | UNKNOWN
      """)
  void tableRows(String text, FailureCode expected) {
    assertThat(KeywordClassifier.classify(text)).isEqualTo(expected);
  }

  @Test
  @DisplayName("a missing DEAPI key is API_ERROR, because \"api\" matches inside \"deapi_api_key\" and that row comes first")
  void deapiKeyIsApiError() {
    assertThat(KeywordClassifier.classify("ValueError: DEAPI_API_KEY not found in environment variables"))
        .isEqualTo(FailureCode.API_ERROR);
  }

  @Test
  @DisplayName("the \"deapi\" keyword is shadowed by the earlier \"api\" row and yields API_ERROR")
  void deapiIsShadowedByApi() {
    assertThat(KeywordClassifier.classify("deapi request failed")).isEqualTo(FailureCode.API_ERROR);
  }

  @Test
  @DisplayName("a network error with no listed keyword is UNKNOWN")
  void networkErrorIsUnknown() {
    assertThat(KeywordClassifier.classify("Network error: something")).isEqualTo(FailureCode.UNKNOWN);
  }

  @DisplayName("null, empty and blank text is UNKNOWN")
  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @NullAndEmptySource
  @ValueSource(strings = {"   ", "\t\n"})
  void blankIsUnknown(String text) {
    assertThat(KeywordClassifier.classify(text)).isEqualTo(FailureCode.UNKNOWN);
  }

  @DisplayName("when several rows match, the earlier row wins")
  @ParameterizedTest(name = "\"{0}\" -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      ffmpeg api timeout                  | FFMPEG_OTHER
      upload timeout                      | API_ERROR
      job_timeout while calling ffmpeg    | JOB_TIMEOUT
      video file not found                | FFMPEG_OTHER
      empty upload                        | CONTENT_ERROR
      file not found in storage           | FILE_NOT_FOUND
      upload not configured               | STORAGE_ERROR
      """)
  void earlierRowsWin(String text, FailureCode expected) {
    assertThat(KeywordClassifier.classify(text)).isEqualTo(expected);
  }

  @Test
  @DisplayName("matching ignores case")
  void caseInsensitive() {
    assertThat(KeywordClassifier.classify("CANNOT ALLOCATE MEMORY")).isEqualTo(FailureCode.FFMPEG_MEMORY);
  }
}
