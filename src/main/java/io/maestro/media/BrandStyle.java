package io.maestro.media;

import io.vertx.core.json.JsonObject;
import java.awt.Color;

/** What a brand looks like on an image: its name and its two colours. */
public record BrandStyle(String brandId, String displayName, Color primary, Color accent) {
  private static final Color DEFAULT_PRIMARY = new Color(0x1f6f5c);
  private static final Color DEFAULT_ACCENT = new Color(0xf2c14e);

  /** From a brands row (brand_id, display_name, primary_color, accent_color); bad colours fall back to defaults. */
  public static BrandStyle from(JsonObject brand) {
    String id = brand.getString("brand_id", "brand");
    return new BrandStyle(id, brand.getString("display_name", id),
        color(brand.getString("primary_color"), DEFAULT_PRIMARY), color(brand.getString("accent_color"), DEFAULT_ACCENT));
  }

  public static BrandStyle fallback(String brandId) {
    return new BrandStyle(brandId, brandId, DEFAULT_PRIMARY, DEFAULT_ACCENT);
  }

  static Color color(String hex, Color fallback) {
    if (hex == null || !hex.matches("#[0-9a-fA-F]{6}")) {
      return fallback;
    }
    return Color.decode(hex);
  }
}
