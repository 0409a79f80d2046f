package io.amphi.local.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.amphi.auth.store.ServiceAccounts;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, driven through Debian's chromedriver: nothing is downloaded. Where either is
 * missing the browser tests are skipped with a message saying how to enable them, except with
 * CI=true, where they fail the build. Screenshots and accessibility reports are kept under
 * target/e2e/ as test artifacts.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("AMPHI_CHROMIUM", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER =
            Path.of(System.getenv().getOrDefault("AMPHI_CHROMEDRIVER", "/usr/bin/chromedriver"));
    static final Path ARTIFACTS = Path.of("target/e2e");
    /** axe-core, installed with the web app's development dependencies. */
    static final Path AXE = Path.of("../web/node_modules/axe-core/axe.min.js");

    private static final ObjectMapper json = new ObjectMapper();

    final ChromeDriver driver;
    final WebDriverWait wait;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
        this.wait = new WebDriverWait(driver, Duration.ofSeconds(20));
    }

    /** Skips (or, on CI, fails) unless a browser can run here. */
    static void requireChromium() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(CHROMIUM)) {
            missing.add(CHROMIUM + " (Debian package chromium)");
        }
        if (!Files.isExecutable(CHROMEDRIVER)) {
            missing.add(CHROMEDRIVER + " (Debian package chromium-driver)");
        }
        if (!Files.isReadable(AXE)) {
            missing.add(AXE.toAbsolutePath().normalize() + " (npm ci in services/web)");
        }
        if (missing.isEmpty()) {
            return;
        }
        String message = "The browser tests need " + String.join(" and ", missing)
                + ". Install them (apt-get install chromium chromium-driver), or point AMPHI_CHROMIUM and AMPHI_CHROMEDRIVER at a "
                + "Chromium and its driver, to run them.";
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail(message);
        }
        Assumptions.abort(message);
    }

    /**
     * A fresh headless browser with its own empty profile.
     *
     * @param zoom the device scale factor, on a 1280 by 900 screen: 2 lays pages out in 640 by 450 CSS pixels, as a
     *             200 % zoom does
     */
    static Browser start(double zoom) throws IOException {
        requireChromium();
        Path profile = Files.createTempDirectory("amphi-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--lang=en-GB",
                "--user-data-dir=" + profile,
                "--window-size=" + (int) (1280 / zoom) + "," + (int) (900 / zoom),
                "--force-device-scale-factor=" + zoom);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new Browser(new ChromeDriver(service, options), profile);
    }

    void offline(boolean offline) {
        ChromiumNetworkConditions conditions = new ChromiumNetworkConditions();
        conditions.setOffline(offline);
        conditions.setLatency(Duration.ofMillis(offline ? 0 : 5));
        driver.setNetworkConditions(conditions);
    }

    /** Files the page downloads land in this folder. */
    void downloadTo(Path folder) {
        driver.executeCdpCommand(
                "Browser.setDownloadBehavior",
                Map.of(
                        "behavior",
                        "allow",
                        "downloadPath",
                        folder.toAbsolutePath().toString()));
    }

    /** Signs a proctor in to the console of an exam. */
    void proctorSignIn(int gatewayPort, String examId, ServiceAccounts.Created account) {
        driver.get("http://127.0.0.1:" + gatewayPort + "/proctor?exam=" + examId);
        visible(By.id("client")).sendKeys(account.account().clientId());
        driver.findElement(By.id("secret")).sendKeys(account.secret());
        driver.findElement(By.cssSelector("button[type=submit]")).click();
    }

    WebElement visible(By by) {
        return wait.until(d -> {
            WebElement element = d.findElement(by);
            return element.isDisplayed() ? element : null;
        });
    }

    void waitForText(By by, String text) {
        wait.until(d -> d.findElements(by).stream().anyMatch(e -> e.getText().contains(text)));
    }

    /**
     * Keeps a screenshot under target/e2e/; with {@code -Damphi.docs.screenshots=<folder>} also there, under the
     * name given for the documentation (the README's pictures are made so).
     */
    void screenshot(String name, String... documentationName) throws IOException {
        Files.createDirectories(ARTIFACTS);
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), ARTIFACTS.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String docs = System.getProperty("amphi.docs.screenshots");
        if (docs != null && !docs.isBlank() && documentationName.length > 0) {
            Path folder = Path.of(docs);
            Files.createDirectories(folder);
            Files.copy(
                    shot.toPath(),
                    folder.resolve(documentationName[0] + ".png"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Runs axe-core on the page as it is (WCAG 2.0, 2.1 and 2.2 A and AA rules), keeps its report,
     * and returns the violations of serious or critical impact.
     */
    List<String> accessibilityViolations(String name) throws IOException {
        driver.executeScript(Files.readString(AXE));
        Object result = driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
                  .then(r => done(JSON.stringify({ violations: r.violations, passes: r.passes.length, incomplete: r.incomplete.length })))
                  .catch(e => done(JSON.stringify({ error: String(e) })));
                """);
        Files.createDirectories(ARTIFACTS);
        Files.writeString(ARTIFACTS.resolve("axe-" + name + ".json"), String.valueOf(result));
        JsonNode report = json.readTree(String.valueOf(result));
        assertThat(report.has("error")).as(String.valueOf(result)).isFalse();
        List<String> serious = new ArrayList<>();
        for (JsonNode violation : report.path("violations")) {
            String impact = violation.path("impact").asText();
            if (impact.equals("serious") || impact.equals("critical")) {
                serious.add(violation.path("id").asText() + " (" + impact + "): "
                        + violation.path("help").asText() + " at "
                        + violation.path("nodes").findValuesAsText("target"));
            }
        }
        return serious;
    }

    /** The page's own view of a value: only for reading, never to act. */
    Object read(String script, Object... arguments) {
        return driver.executeScript(script, arguments);
    }

    Map<String, Object> activeElement() {
        @SuppressWarnings("unchecked")
        Map<String, Object> active = (Map<String, Object>) driver.executeScript("""
                const e = document.activeElement;
                return { tag: e.tagName, type: e.type || '', id: e.id || '', name: e.name || '', value: e.value || '',
                         text: (e.innerText || '').trim().slice(0, 80), label: e.closest('label') ? e.closest('label').innerText.trim() : '' };
                """);
        return active;
    }

    @Override
    public void close() throws IOException {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }
}
