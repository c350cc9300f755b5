package io.maestro.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Composer: posts, slides and reel frames are real pictures with fitted text")
class ComposerTest {
  private final BrandStyle style = new BrandStyle("healthycollege", "Healthy College", new Color(0x1f6f5c),
      new Color(0xf2c14e));
  private final Composer composer = new Composer();
  private final BufferedImage background = new ProceduralBackground().render("calm morning light", style, 1080, 1350);

  @Test
  @DisplayName("a post is 1080×1350, survives JPEG and decodes with thousands of colours")
  void post() throws Exception {
    BufferedImage post = composer.post(background, "Seven small habits that quietly fix your sleep", style);
    BufferedImage decoded = Images.decode(Composer.jpeg(post));
    assertThat(decoded.getWidth()).isEqualTo(1080);
    assertThat(decoded.getHeight()).isEqualTo(1350);
    assertThat(Images.distinctColours(decoded)).isGreaterThan(2000);
  }

  @Test
  @DisplayName("the same prompt gives the same background; another prompt another one")
  void proceduralIsSeeded() {
    ProceduralBackground source = new ProceduralBackground();
    BufferedImage a = source.render("p1", style, 64, 80);
    BufferedImage b = source.render("p1", style, 64, 80);
    BufferedImage c = source.render("p2", style, 64, 80);
    assertThat(a.getRGB(10, 10)).isEqualTo(b.getRGB(10, 10));
    assertThat(java.util.stream.IntStream.range(0, 64).anyMatch(x -> a.getRGB(x, 40) != c.getRGB(x, 40))).isTrue();
  }

  @Test
  @DisplayName("text is wrapped within the width, shrunk to fit the box, and cut with an ellipsis only as a last resort")
  void fitting() {
    Graphics2D g = new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB).createGraphics();
    Composer.Fitted short_ = Composer.fit(g, "Sleep", Fonts.BOLD, 900, 500, 96, 34);
    assertThat(short_.font().getSize2D()).isEqualTo(96f);
    String longTitle = "Why your afternoon slump is not about coffee at all and what the research on light, "
        + "movement and protein timing says you should try instead this week";
    Composer.Fitted fitted = Composer.fit(g, longTitle, Fonts.BOLD, 900, 500, 96, 34);
    assertThat(fitted.font().getSize2D()).isLessThan(96f);
    assertThat(fitted.lines().size() * fitted.lineHeight()).isLessThanOrEqualTo(500);
    var metrics = g.getFontMetrics(fitted.font());
    fitted.lines().forEach(line -> assertThat(metrics.stringWidth(line)).isLessThanOrEqualTo(900));
    assertThat(String.join(" ", fitted.lines())).isEqualTo(longTitle);
    Composer.Fitted cut = Composer.fit(g, longTitle.repeat(10), Fonts.BOLD, 900, 200, 96, 34);
    assertThat(cut.lines().get(cut.lines().size() - 1)).endsWith("…");
    Composer.Fitted word = Composer.fit(g, "Supercalifragilisticexpialidocious".repeat(3), Fonts.BOLD, 300, 2000, 60, 60);
    word.lines().forEach(line -> assertThat(g.getFontMetrics(word.font()).stringWidth(line)).isLessThanOrEqualTo(300));
  }

  @Test
  @DisplayName("slides and light/dark reel frames have their sizes and differ between light and dark")
  void slidesAndFrames() {
    BufferedImage slide = composer.slide(background, "Dim the lights an hour before bed", 2, 5, style);
    assertThat(slide.getWidth()).isEqualTo(1080);
    assertThat(slide.getHeight()).isEqualTo(1350);
    BufferedImage light = composer.reelFrame(background, "Sleep better", List.of("Dim the lights"), style, false);
    BufferedImage dark = composer.reelFrame(background, "Sleep better", List.of("Dim the lights"), style, true);
    assertThat(light.getHeight()).isEqualTo(1920);
    assertThat(brightness(light)).isGreaterThan(brightness(dark) + 40);
  }

  private static double brightness(BufferedImage image) {
    long sum = 0;
    int n = 0;
    for (int y = 0; y < image.getHeight(); y += 16) {
      for (int x = 0; x < image.getWidth(); x += 16) {
        int p = image.getRGB(x, y);
        sum += ((p >> 16) & 0xFF) + ((p >> 8) & 0xFF) + (p & 0xFF);
        n++;
      }
    }
    return sum / (3.0 * n);
  }
}
