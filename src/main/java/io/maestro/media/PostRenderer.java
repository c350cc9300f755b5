package io.maestro.media;

import io.maestro.render.JobContext;
import io.maestro.render.JobRenderer;
import io.maestro.render.TextPlanRenderer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;

/**
 * The post variant per brand: text plan, background (deAPI or procedural), the composed 1080×1350 post and one
 * carousel slide per slide text, each stored in the media store; the URLs go into the brand output.
 */
public final class PostRenderer implements JobRenderer {
  private final TextPlanRenderer text = new TextPlanRenderer();
  private final BackgroundSource backgrounds;
  private final MediaWork work;
  private final Composer composer = new Composer();

  PostRenderer(BackgroundSource backgrounds, MediaWork work) {
    this.backgrounds = backgrounds;
    this.work = work;
  }

  @Override
  public JsonObject render(JobContext context, String brand) throws Exception {
    JsonObject output = text.render(context, brand);
    BrandStyle style = work.style(context, brand);
    context.progress("background (" + backgrounds.name() + ")", null);
    BufferedImage background = backgrounds.background(output.getString("ai_prompt"), style, Composer.POST_W,
        Composer.POST_H, context);
    context.progress("composing post", null);
    BufferedImage post = composer.post(background, output.getString("title"), style);
    String imageUrl = work.put(context, brand, "post.jpg", Composer.jpeg(post));
    JsonArray slideTexts = output.getJsonArray("slide_texts", new JsonArray());
    JsonArray slideUrls = new JsonArray();
    for (int i = 0; i < slideTexts.size(); i++) {
      context.progress("slide " + (i + 1) + "/" + slideTexts.size(), null);
      BufferedImage slide = composer.slide(background, slideTexts.getString(i), i + 1, slideTexts.size(), style);
      slideUrls.add(work.put(context, brand, "slide-" + (i + 1) + ".jpg", Composer.jpeg(slide)));
    }
    return output.put("image_url", imageUrl).put("thumbnail_path", imageUrl).put("slide_urls", slideUrls)
        .put("background", backgrounds.name()).put("storage", work.store().name())
        .put("progress_message", "post ready");
  }
}
