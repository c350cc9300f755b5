package io.maestro.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium from Debian's packages ({@code apt-get install chromium chromium-driver}, which {@code .ci/run}
 * does), driven by Selenium through the packaged chromedriver. Both paths are explicit, so Selenium Manager never
 * downloads a browser or a driver. A missing browser is a failure with instructions, never a skip.
 */
public final class Chromium {
  private Chromium() {}

  public static final List<String> FLAGS = List.of("--headless=new", "--no-sandbox", "--disable-gpu",
      "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--disable-dev-shm-usage", "--window-size=1400,1000");

  public static Path browser() {
    return find("MAESTRO_CHROMIUM", "/usr/bin/chromium", "chromium");
  }

  public static Path driver() {
    return find("MAESTRO_CHROMEDRIVER", "/usr/bin/chromedriver", "chromium-driver");
  }

  private static Path find(String env, String standard, String debianPackage) {
    String override = System.getenv(env);
    Path path = Path.of(override == null || override.isBlank() ? standard : override);
    if (!Files.isExecutable(path)) {
      throw new AssertionError(path + " is missing: the Observatory's browser tests need Debian's chromium and "
          + "chromium-driver (apt-get install -y chromium chromium-driver, as .ci/run does), or " + env
          + " pointing at an executable; this is a failure, not a skip (missing package: " + debianPackage + ")");
    }
    return path;
  }

  /**
   * A fresh browser with its own throw-away profile and any extra command-line switches; close it with
   * {@link ChromeDriver#quit()}.
   */
  public static ChromeDriver start(String... extraArguments) throws Exception {
    Path profile = Files.createTempDirectory("maestro-chromium-profile");
    profile.toFile().deleteOnExit();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(browser().toFile());
    options.addArguments(FLAGS);
    options.addArguments(extraArguments);
    options.addArguments("--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(driver().toString()))
        .usingAnyFreePort()
        .withTimeout(Duration.ofSeconds(60))
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
    return driver;
  }
}
