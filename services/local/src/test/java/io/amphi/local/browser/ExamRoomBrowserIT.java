package io.amphi.local.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.amphi.auth.store.CandidateCredentials;
import io.amphi.auth.store.ServiceAccounts;
import io.amphi.local.LocalPlatform;
import io.amphi.local.PlatformRest;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.interactions.Actions;

/**
 * The exam room in a real headless Chromium against the whole local platform: a candidate signs
 * in, answers every kind of question, loses the network while answering, comes back, reloads,
 * submits; then the API shows every answer stored with its exact value. Another sits the whole
 * exam with the keyboard alone at 200 % zoom. Each page is scanned with axe-core.
 */
class ExamRoomBrowserIT {

    @TempDir
    static Path data;

    private static LocalPlatform platform;
    private static PlatformRest rest;

    @BeforeAll
    static void start() {
        Browser.requireChromium();
        platform = LocalPlatform.start(data, new LocalPlatform.Ports(0, 0, 0, 0, 0), "browser-it-" + UUID.randomUUID());
        rest = new PlatformRest(platform);
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    private static String url(String exam) {
        return "http://127.0.0.1:" + platform.gatewayPort() + "/?exam=" + exam;
    }

    private static void choose(Browser browser, String question, String value) {
        browser.visible(By.cssSelector("input[name='" + question + "'][value='" + value + "']"))
                .click();
    }

    private static void goTo(Browser browser, int number) {
        browser.driver
                .findElements(By.cssSelector("nav .nav-item"))
                .get(number - 1)
                .click();
        browser.waitForText(By.id("question-heading"), "Question " + number + " of");
    }

    private static void saved(Browser browser, String question) {
        browser.waitForText(By.cssSelector("[data-save-status='" + question + "']"), "Saved");
    }

    @Test
    void aCandidateAnswersEveryKindThroughAnOutageAndAReloadAndEveryAnswerIsStored() throws Exception {
        CandidateCredentials.Issued candidate = platform.candidates().get(0);
        try (Browser browser = Browser.start(1)) {
            browser.driver.get(url(candidate.examId()));
            browser.visible(By.id("candidate"));
            assertThat(browser.accessibilityViolations("sign-in")).isEmpty();
            browser.screenshot("01-sign-in", "sign-in");
            browser.driver.findElement(By.id("candidate")).sendKeys(candidate.candidateNumber());
            browser.driver.findElement(By.id("code")).sendKeys(candidate.accessCode());
            browser.driver.findElement(By.cssSelector("button[type=submit]")).click();

            browser.waitForText(By.id("question-heading"), "Question 1 of 6");
            choose(browser, "q1", "B");
            saved(browser, "q1");
            assertThat(browser.accessibilityViolations("exam")).isEmpty();
            browser.screenshot("02-exam-single-best-answer", "exam-single-best-answer");

            goTo(browser, 2);
            choose(browser, "q2", "A");
            choose(browser, "q2", "C");
            saved(browser, "q2");
            browser.driver
                    .findElement(By.xpath("//button[normalize-space()='Flag for review']"))
                    .click();
            browser.screenshot("03-exam-multiple-response", "exam-multiple-response");

            goTo(browser, 3);
            browser.driver.findElement(By.id("q3-text")).sendKeys("Amiodarone « 200 mg »");
            browser.driver.findElement(By.id("q3-text")).sendKeys(Keys.TAB);
            saved(browser, "q3");
            browser.screenshot("04-exam-short-text", "exam-short-text");

            try (Browser otherDevice = Browser.start(1)) {
                otherDevice.driver.get(url(candidate.examId()));
                otherDevice.visible(By.id("candidate")).sendKeys(candidate.candidateNumber());
                otherDevice.driver.findElement(By.id("code")).sendKeys(candidate.accessCode());
                otherDevice
                        .driver
                        .findElement(By.cssSelector("button[type=submit]"))
                        .click();
                otherDevice.waitForText(By.cssSelector("[role=alert]"), "open on another device");
                otherDevice.screenshot("05a-second-device-refused", "second-device-refused");
            }

            String proctor = rest.proctorToken();
            String session = candidate.examId() + ":" + candidate.candidateNumber();
            rest.call(
                    "POST",
                    "/exams/" + candidate.examId() + "/pause",
                    proctor,
                    Map.of("sessionId", session, "reason", "fire alarm"));
            browser.waitForText(By.cssSelector(".banner.paused"), "paused the exam");
            // The page may learn of the pause seconds after it began: its clock then steps back to the server's.
            Thread.sleep(1_200);
            String frozen =
                    browser.driver.findElement(By.cssSelector(".timer .value")).getText();
            assertThat(browser.driver.findElement(By.id("q3-text")).isEnabled()).isFalse();
            browser.screenshot("05b-paused", "exam-paused");
            Thread.sleep(3_000);
            assertThat(seconds(browser.driver
                            .findElement(By.cssSelector(".timer .value"))
                            .getText()))
                    .as("the clock stands still (to the second the server and the page round to)")
                    .isCloseTo(seconds(frozen), org.assertj.core.data.Offset.offset(1L));
            rest.call(
                    "POST",
                    "/exams/" + candidate.examId() + "/unpause",
                    proctor,
                    Map.of("sessionId", session, "reason", "all clear"));
            browser.wait.until(
                    d -> d.findElements(By.cssSelector(".banner.paused")).isEmpty());
            rest.call(
                    "POST",
                    "/sessions/" + session + "/extensions",
                    proctor,
                    Map.of("seconds", 3_600, "reason", "accommodation"));
            browser.waitForText(By.cssSelector(".timer .value"), "2:5");

            goTo(browser, 4);
            choose(browser, "case1.q1", "A");
            choose(browser, "case1.q2", "B");
            browser.driver.findElement(By.id("case1.q3-text")).sendKeys("CT pulmonary angiography");
            browser.driver.findElement(By.id("case1.q3-text")).sendKeys(Keys.TAB);
            saved(browser, "case1.q3");
            assertThat(browser.accessibilityViolations("exam-key-features-case"))
                    .isEmpty();
            browser.screenshot("05-exam-key-features-case", "exam-key-features-case");

            browser.offline(true);
            goTo(browser, 5);
            choose(browser, "q5", "-2");
            browser.waitForText(By.cssSelector("[data-save-status='q5']"), "Waiting for network");
            browser.visible(By.cssSelector(".banner.offline"));
            goTo(browser, 6);
            choose(browser, "q6", "1");
            browser.screenshot("06-offline-banner-script-concordance", "exam-offline");
            assertThat(browser.accessibilityViolations("exam-offline")).isEmpty();

            browser.offline(false);
            browser.driver.navigate().refresh();
            browser.waitForText(By.id("question-heading"), "Question 1 of 6");
            goTo(browser, 6);
            assertThat(browser.driver
                            .findElement(By.cssSelector("input[name='q6'][value='1']"))
                            .isSelected())
                    .as("the answer made offline is back after the reload")
                    .isTrue();
            saved(browser, "q6");

            browser.driver
                    .findElement(By.xpath("//button[normalize-space()='Finish and submit']"))
                    .click();
            browser.visible(By.id("review-heading"));
            assertThat(browser.driver.findElement(By.cssSelector("dialog")).getText())
                    .contains("Every question has an answer.", "Questions flagged for review: 2");
            browser.screenshot("07-review", "review");
            browser.driver
                    .findElement(By.xpath("//button[normalize-space()='Submit my exam for good']"))
                    .click();
            browser.waitForText(By.id("submitted-heading"), "Exam submitted");
            browser.screenshot("08-submitted", "submitted");
            assertThat(browser.accessibilityViolations("submitted")).isEmpty();
        }

        assertThat(rest.storedAnswers(candidate))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "q1", "{\"choices\":[\"B\"]}",
                        "q2", "{\"choices\":[\"A\",\"C\"]}",
                        "q3", "{\"text\":\"Amiodarone « 200 mg »\"}",
                        "case1.q1", "{\"choices\":[\"A\"]}",
                        "case1.q2", "{\"choices\":[\"B\"]}",
                        "case1.q3", "{\"text\":\"CT pulmonary angiography\"}",
                        "q5", "{\"likert\":-2}",
                        "q6", "{\"likert\":1}"));
    }

    @Test
    void aCandidateSitsTheWholeExamWithTheKeyboardAloneAt200PercentZoom() throws Exception {
        CandidateCredentials.Issued candidate = platform.candidates().get(1);
        try (Browser browser = Browser.start(2)) {
            Keyboard keys = new Keyboard(browser);
            browser.driver.get(url(candidate.examId()));
            browser.visible(By.id("candidate"));
            keys.tabTo(e -> "candidate".equals(e.get("id")));
            keys.type(candidate.candidateNumber());
            keys.tabTo(e -> "code".equals(e.get("id")));
            keys.type(candidate.accessCode());
            keys.press(Keys.ENTER);
            browser.waitForText(By.id("question-heading"), "Question 1 of 6");
            assertThat(browser.read(
                            "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"))
                    .as("at 200 %% zoom the page reflows: nothing needs scrolling sideways")
                    .isEqualTo(true);
            browser.screenshot("10-keyboard-zoom-200", "zoom-200");

            keys.choose("q1", "D");
            keys.next(2);
            keys.choose("q2", "B");
            keys.choose("q2", "E");
            keys.next(3);
            keys.tabTo(e -> "q3-text".equals(e.get("id")));
            keys.type("Furosemide");
            keys.next(4);
            keys.choose("case1.q1", "C");
            keys.choose("case1.q2", "A");
            keys.tabTo(e -> "case1.q3-text".equals(e.get("id")));
            keys.type("Echocardiography");
            keys.next(5);
            keys.choose("q5", "0");
            keys.next(6);
            keys.choose("q6", "2");
            saved(browser, "q6");

            keys.tabTo(e -> "Finish and submit".equals(e.get("text")));
            keys.press(Keys.ENTER);
            browser.visible(By.id("review-heading"));
            keys.tabTo(e -> "Submit my exam for good".equals(e.get("text")));
            keys.press(Keys.ENTER);
            browser.waitForText(By.id("submitted-heading"), "Exam submitted");
            browser.screenshot("11-keyboard-submitted");
        }
        assertThat(rest.storedAnswers(candidate))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "q1", "{\"choices\":[\"D\"]}",
                        "q2", "{\"choices\":[\"B\",\"E\"]}",
                        "q3", "{\"text\":\"Furosemide\"}",
                        "case1.q1", "{\"choices\":[\"C\"]}",
                        "case1.q2", "{\"choices\":[\"A\"]}",
                        "case1.q3", "{\"text\":\"Echocardiography\"}",
                        "q5", "{\"likert\":0}",
                        "q6", "{\"likert\":2}"));
    }

    @Test
    void aProctorWatchesTheRoomAndPausesACandidateFromTheConsole() throws Exception {
        CandidateCredentials.Issued candidate = platform.candidates().get(2);
        String token = rest.candidateToken(candidate);
        rest.call("POST", "/exams/" + candidate.examId() + "/session", token, null);
        ServiceAccounts.Created account = platform.staff().getFirst();
        try (Browser browser = Browser.start(1)) {
            browser.proctorSignIn(platform.gatewayPort(), candidate.examId(), account);
            browser.waitForText(By.cssSelector("table.counts"), "amphi-a");
            browser.waitForText(By.cssSelector("tr[data-candidate='" + candidate.candidateNumber() + "']"), "in exam");
            assertThat(browser.accessibilityViolations("proctor-console")).isEmpty();
            browser.screenshot("20-proctor-console", "proctor-console");

            browser.driver.findElement(By.id("reason")).sendKeys("candidate unwell");
            browser.driver
                    .findElement(By.cssSelector("tr[data-candidate='" + candidate.candidateNumber() + "'] button"))
                    .click();
            browser.waitForText(By.cssSelector("tr[data-candidate='" + candidate.candidateNumber() + "']"), "paused");
        }
        JsonNode session =
                rest.call("GET", "/sessions/" + candidate.examId() + ":" + candidate.candidateNumber(), token, null);
        assertThat(session.path("pausedAt").asText()).isNotEmpty();
    }

    /** "1:59:50" as seconds. */
    private static long seconds(String clock) {
        long total = 0;
        for (String part : clock.split(":")) {
            total = total * 60 + Long.parseLong(part);
        }
        return total;
    }

    /** Moves and acts with keys only; the page's focus is read to know where it is. */
    private record Keyboard(Browser browser) {

        void press(CharSequence key) {
            new Actions(browser.driver).sendKeys(key).perform();
        }

        void type(String text) {
            new Actions(browser.driver).sendKeys(text).perform();
        }

        void tabTo(Predicate<Map<String, Object>> target) {
            for (int i = 0; i < 80; i++) {
                if (target.test(browser.activeElement())) {
                    return;
                }
                press(Keys.TAB);
            }
            throw new AssertionError("No element reached with Tab; focus is on " + browser.activeElement());
        }

        /** Tabs to an option and selects it with the space bar (radio groups: arrows move within the group). */
        void choose(String question, String value) {
            Map<String, Object> first = null;
            for (int i = 0; i < 80; i++) {
                Map<String, Object> active = browser.activeElement();
                if (question.equals(active.get("name"))) {
                    first = active;
                    break;
                }
                press(Keys.TAB);
            }
            assertThat(first)
                    .as("a control of " + question + " takes the focus")
                    .isNotNull();
            if ("radio".equals(first.get("type"))) {
                for (int i = 0; i < 10 && !value.equals(browser.activeElement().get("value")); i++) {
                    press(Keys.ARROW_DOWN);
                }
                if (!Boolean.TRUE.equals(browser.read("return document.activeElement.checked"))) {
                    press(Keys.SPACE);
                }
            } else {
                for (int i = 0; i < 10 && !value.equals(browser.activeElement().get("value")); i++) {
                    press(Keys.TAB);
                }
                press(Keys.SPACE);
            }
            assertThat(browser.activeElement().get("value")).isEqualTo(value);
            assertThat(browser.read("return document.activeElement.checked")).isEqualTo(true);
        }

        void next(int number) {
            tabTo(e -> "Next question".equals(e.get("text")));
            press(Keys.ENTER);
            browser.waitForText(By.id("question-heading"), "Question " + number + " of");
        }
    }
}
