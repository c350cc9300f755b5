package io.maestro.api;

import io.maestro.testing.TestApp;
import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/** Media and rows for the Observatory's browser tests, made by the test run itself (no committed binaries). */
final class ObservatoryFixtures {
  private ObservatoryFixtures() {}

  /** A portrait PNG with a gradient and a label, written under the media store's root as {@code name}. */
  static String png(Path mediaRoot, String name, String label, Color from, Color to) throws Exception {
    BufferedImage image = new BufferedImage(540, 675, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setPaint(new GradientPaint(0, 0, from, 540, 675, to));
    g.fillRect(0, 0, 540, 675);
    g.setColor(Color.WHITE);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 40));
    g.drawString(label, 40, 340);
    g.dispose();
    Path file = mediaRoot.resolve(name);
    Files.createDirectories(file.getParent());
    ImageIO.write(image, "png", file.toFile());
    return "/media/" + name;
  }

  /**
   * A 3-second H.264 MP4 recorded by the browser itself (MediaRecorder over a canvas; Chromium records
   * video/mp4;codecs=avc1), so the test needs no ffmpeg and commits no binary.
   */
  static String mp4(WebDriver browser, Path mediaRoot, String name) throws Exception {
    Object b64 = ((JavascriptExecutor) browser).executeAsyncScript("""
        const done = arguments[arguments.length - 1];
        const type = ['video/mp4;codecs=avc1', 'video/mp4'].find(t => MediaRecorder.isTypeSupported(t));
        if (!type) { done('unsupported'); return; }
        const c = document.createElement('canvas'); c.width = 360; c.height = 640;
        const g = c.getContext('2d');
        const rec = new MediaRecorder(c.captureStream(30), { mimeType: type, videoBitsPerSecond: 600000 });
        const chunks = [];
        rec.ondataavailable = (e) => { if (e.data.size) chunks.push(e.data); };
        rec.onstop = async () => {
          const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
          let s = '';
          for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
          done(btoa(s));
        };
        let f = 0;
        const draw = () => {
          g.fillStyle = `hsl(${(f * 7) % 360}, 55%, 35%)`; g.fillRect(0, 0, 360, 640);
          g.fillStyle = '#fff'; g.font = 'bold 34px sans-serif'; g.fillText('Maestro reel', 60, 300);
          g.fillText('frame ' + f, 60, 350); f++;
        };
        draw();
        const t = setInterval(draw, 33);
        rec.start(250);
        setTimeout(() => { clearInterval(t); rec.stop(); }, 3000);""");
    if ("unsupported".equals(b64)) {
      throw new AssertionError("this Chromium cannot record video/mp4 (MediaRecorder)");
    }
    Path file = mediaRoot.resolve(name);
    Files.createDirectories(file.getParent());
    Files.write(file, Base64.getDecoder().decode((String) b64));
    return "/media/" + name;
  }

  /** {@code n} jobs of the local user with mixed statuses, brands and variants, newest last, one ms apart. */
  static void manyJobs(TestApp app, int n) throws Exception {
    app.execute("""
        INSERT INTO jobs (user_id, title, variant, brands, status, created_at, error_code, error_category,
                          error_message, lease_owner, lease_expires_at, claimed_at, completed_at, progress_percent,
                          current_step)
        SELECT 'local', 'Seeded job ' || i || ': ' || (ARRAY['sleep and focus', 'protein myths', 'walking after meals',
                        'cold showers', 'morning light'])[i % 5 + 1],
               (ARRAY['post', 'light', 'dark'])[i % 3 + 1],
               CASE WHEN i % 2 = 0 THEN '["healthycollege"]' ELSE '["longevitycollege"]' END::jsonb,
               (ARRAY['pending', 'generating', 'completed', 'failed', 'cancelled', 'completed'])[i % 6 + 1],
               now() - interval '1 hour' + i * interval '1 millisecond',
               CASE WHEN i % 6 = 3 THEN (ARRAY[1001, 2002, 3003])[i % 3 + 1] END,
               CASE WHEN i % 6 = 3 THEN (ARRAY['api_error', 'api_rate_limited', 'storage_error'])[i % 3 + 1] END,
               CASE WHEN i % 6 = 3 THEN 'the upstream service refused the request' END,
               CASE WHEN i % 6 = 1 THEN 'node-seed' END, CASE WHEN i % 6 = 1 THEN now() + interval '1 day' END,
               CASE WHEN i % 6 = 1 THEN now() - interval '1 minute' END,
               CASE WHEN i % 6 IN (2, 3, 4, 5) THEN now() END,
               CASE WHEN i % 6 IN (2, 5) THEN 100 WHEN i % 6 = 1 THEN 40 ELSE 0 END,
               CASE WHEN i % 6 = 1 THEN 'rendering image' END
          FROM generate_series(1, N_JOBS) AS i""".replace("N_JOBS", Integer.toString(n)));
  }
}
