package io.maestro.publish;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A brand's platform ids and tokens, opened from their sealed row for the length of one publish. {@link #toString()}
 * never shows a token, so a stray log line cannot leak one.
 */
public final class BrandCredentials {
  public static final String FACEBOOK_PAGE_ID = "facebook_page_id";
  public static final String FACEBOOK_TOKEN = "facebook_access_token";
  public static final String INSTAGRAM_USER_ID = "instagram_user_id";
  public static final String INSTAGRAM_TOKEN = "instagram_access_token";
  public static final String YOUTUBE_REFRESH_TOKEN = "youtube_refresh_token";
  public static final Set<String> SECRET_FIELDS = Set.of(FACEBOOK_TOKEN, INSTAGRAM_TOKEN, YOUTUBE_REFRESH_TOKEN);
  public static final List<String> FIELDS = List.of(FACEBOOK_PAGE_ID, FACEBOOK_TOKEN, INSTAGRAM_USER_ID,
      INSTAGRAM_TOKEN, YOUTUBE_REFRESH_TOKEN);

  private final String brand;
  private final JsonObject values;

  public BrandCredentials(String brand, JsonObject values) {
    this.brand = brand;
    this.values = values;
  }

  public String brand() {
    return brand;
  }

  public String get(String field) {
    String value = values.getString(field);
    return value == null || value.isBlank() ? null : value;
  }

  /** Platforms this brand can publish to: each needs its id and its token. */
  public List<String> connected() {
    return connected(values);
  }

  static List<String> connected(JsonObject values) {
    java.util.ArrayList<String> out = new java.util.ArrayList<>();
    if (present(values, INSTAGRAM_USER_ID) && (present(values, INSTAGRAM_TOKEN) || present(values, FACEBOOK_TOKEN))) {
      out.add(Platform.INSTAGRAM);
    }
    if (present(values, FACEBOOK_PAGE_ID) && present(values, FACEBOOK_TOKEN)) {
      out.add(Platform.FACEBOOK);
    }
    if (present(values, YOUTUBE_REFRESH_TOKEN)) {
      out.add(Platform.YOUTUBE);
    }
    return out;
  }

  /** What may be shown: ids in full, each token as "set, ends in …abcd" only. */
  static JsonObject summary(JsonObject values) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String field : FIELDS) {
      String value = values.getString(field);
      if (value == null || value.isBlank()) {
        continue;
      }
      out.put(field, SECRET_FIELDS.contains(field) ? masked(value) : value);
    }
    out.put("connected", new io.vertx.core.json.JsonArray(connected(values)));
    return new JsonObject(out);
  }

  static String masked(String secret) {
    return secret.length() < 12 ? "set" : "set, ends in …" + secret.substring(secret.length() - 4);
  }

  private static boolean present(JsonObject values, String field) {
    String value = values.getString(field);
    return value != null && !value.isBlank();
  }

  @Override
  public String toString() {
    return "BrandCredentials[" + brand + ", connected=" + connected() + "]";
  }
}
