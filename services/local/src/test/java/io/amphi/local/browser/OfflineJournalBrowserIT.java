package io.amphi.local.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.amphi.auth.store.CandidateCredentials;
import io.amphi.delivery.catalog.JdbcExamCatalog;
import io.amphi.local.LocalPlatform;
import io.amphi.local.PlatformRest;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The end of an exam for a candidate whose network is gone, in real headless Chromium: a 45-second
 * demo exam that admits one session at a time. The first candidate answers, loses the network and
 * answers on until the time runs out; the page offers the unsent answers as an encrypted file and
 * the browser downloads it. The second candidate waits in the waiting room meanwhile and is let in
 * by himself once the first session is handed in. A proctor uploads the file in the console and
 * accepts it; the answers then count. A file changed by one character is refused.
 */
class OfflineJournalBrowserIT {

    @TempDir
    static Path data;

    @TempDir
    static Path downloads;

    private static LocalPlatform platform;
    private static PlatformRest rest;
    private static final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        Browser.requireChromium();
        ObjectNode exam;
        try (InputStream in = OfflineJournalBrowserIT.class.getResourceAsStream("/exams/demo-cardiology.json")) {
            exam = (ObjectNode) json.readTree(in);
        }
        exam.put("duration", "PT45S");
        Path file = data.resolve("short-exam.json");
        Files.writeString(file, exam.toString());
        platform = LocalPlatform.start(
                data,
                new LocalPlatform.Ports(0, 0, 0, 0, 0),
                "offline-it-" + UUID.randomUUID(),
                "--amphi.demo.exam-file=" + file,
                "--amphi.delivery.admission.max-active-sessions=1");
        rest = new PlatformRest(platform);
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    private static void signIn(Browser browser, CandidateCredentials.Issued candidate) {
        browser.driver.get("http://127.0.0.1:" + platform.gatewayPort() + "/?exam=" + candidate.examId());
        browser.visible(By.id("candidate")).sendKeys(candidate.candidateNumber());
        browser.driver.findElement(By.id("code")).sendKeys(candidate.accessCode());
        browser.driver.findElement(By.cssSelector("button[type=submit]")).click();
    }

    private static void lockSealing(Connection connection, String function, String examId) throws Exception {
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + function + "(?, hashtext(?))")) {
            statement.setInt(1, JdbcExamCatalog.SEALING_LOCK);
            statement.setString(2, examId);
            statement.execute();
        }
    }

    private static void goTo(Browser browser, int number) {
        browser.driver
                .findElements(By.cssSelector("nav .nav-item"))
                .get(number - 1)
                .click();
        browser.waitForText(By.id("question-heading"), "Question " + number + " of");
    }

    @Test
    void answersLeftUnsentAtTheEndCountOnceAProctorUploadsAndAcceptsThem() throws Exception {
        CandidateCredentials.Issued offline = platform.candidates().get(0);
        CandidateCredentials.Issued waiting = platform.candidates().get(1);
        String sessionId = offline.examId() + ":" + offline.candidateNumber();
        Path journal = downloads.resolve("amphi-offline-journal-" + sessionId.replace(':', '-') + ".json");
        try (Browser candidate = Browser.start(1);
                Browser next = Browser.start(1)) {
            candidate.downloadTo(downloads);
            signIn(candidate, offline);
            candidate.waitForText(By.id("question-heading"), "Question 1 of 6");
            candidate.visible(By.cssSelector("input[name='q1'][value='B']")).click();
            candidate.waitForText(By.cssSelector("[data-save-status='q1']"), "Saved");

            signIn(next, waiting);
            next.waitForText(By.id("waiting-heading"), "Waiting room");
            next.waitForText(By.cssSelector("[role=status]"), "Your place in line: 1");
            next.waitForText(By.cssSelector("[role=status]"), "The exam room is full");
            assertThat(next.accessibilityViolations("waiting-room")).isEmpty();
            next.screenshot("30-waiting-room", "waiting-room");
            JsonNode live = rest.call(
                    "GET",
                    "/exams/" + offline.examId() + "/live?search=" + waiting.candidateNumber(),
                    rest.proctorToken(),
                    null);
            assertThat(live.path("waiting").asLong()).isEqualTo(1);
            assertThat(live.path("candidates").get(0).path("state").asText()).isEqualTo("WAITING");
            assertThat(live.path("candidates").get(0).path("placeInLine").asLong())
                    .isEqualTo(1);

            candidate.offline(true);
            goTo(candidate, 3);
            candidate.driver.findElement(By.id("q3-text")).sendKeys("Aspirine");
            goTo(candidate, 5);
            candidate.visible(By.cssSelector("input[name='q5'][value='-2']")).click();
            candidate.waitForText(By.cssSelector("[data-save-status='q5']"), "Waiting for network");

            new WebDriverWait(candidate.driver, Duration.ofSeconds(90))
                    .until(d -> !d.findElements(By.xpath("//a[normalize-space()='Download my unsent answers']"))
                            .isEmpty());
            assertThat(candidate
                            .driver
                            .findElement(By.cssSelector(".offline-journal"))
                            .getText())
                    .contains("2 answer(s) could not be sent");
            assertThat(candidate.accessibilityViolations("offline-journal-download"))
                    .isEmpty();
            candidate.screenshot("31-offline-journal-download", "offline-journal-download");
            candidate
                    .driver
                    .findElement(By.xpath("//a[normalize-space()='Download my unsent answers']"))
                    .click();
            new WebDriverWait(candidate.driver, Duration.ofSeconds(20)).until(d -> Files.isRegularFile(journal));

            new WebDriverWait(next.driver, Duration.ofSeconds(120))
                    .until(d -> !d.findElements(
                                    By.xpath("//h2[@id='question-heading' and contains(., 'Question 1 of 6')]"))
                            .isEmpty());
        }

        String file = Files.readString(journal);
        JsonNode outer = json.readTree(file);
        assertThat(new String(
                        java.util.Base64.getDecoder()
                                .decode(outer.path("ciphertext").asText()),
                        java.nio.charset.StandardCharsets.ISO_8859_1))
                .as("encrypted")
                .doesNotContain("Aspirine", "saveNumber");
        ObjectNode touched = (ObjectNode) outer.deepCopy();
        char[] ciphertext = outer.path("ciphertext").asText().toCharArray();
        ciphertext[10] = ciphertext[10] == 'A' ? 'B' : 'A';
        touched.put("ciphertext", new String(ciphertext));
        String proctor = rest.proctorToken();
        HttpResponse<String> refused = rest.send(
                "POST",
                "/proctor/sessions/" + sessionId + "/offline-journals",
                proctor,
                "application/vnd.amphi.offline-journal+json",
                touched.toString());
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(json.readTree(refused.body()).path("reason").asText()).isEqualTo("JOURNAL_TAMPERED");

        // While an exam is being sealed, a journal is refused for a few seconds: the seal must not miss it.
        try (Connection sealing = DriverManager.getConnection(platform.eventStore())) {
            lockSealing(sealing, "pg_advisory_lock", offline.examId());
            HttpResponse<String> duringSealing = rest.send(
                    "POST",
                    "/proctor/sessions/" + sessionId + "/offline-journals",
                    proctor,
                    "application/vnd.amphi.offline-journal+json",
                    file);
            assertThat(duringSealing.statusCode()).as(duringSealing.body()).isEqualTo(409);
            assertThat(json.readTree(duringSealing.body()).path("reason").asText())
                    .isEqualTo("SEALING_IN_PROGRESS");
            assertThat(duringSealing.headers().firstValue("Retry-After")).contains("5");
            lockSealing(sealing, "pg_advisory_unlock", offline.examId());
        }
        assertThat(rest.send(
                                "POST",
                                "/proctor/sessions/" + sessionId + "/offline-journals",
                                proctor,
                                "application/vnd.amphi.offline-journal+json",
                                file)
                        .statusCode())
                .isEqualTo(200);

        try (Browser console = Browser.start(1)) {
            console.proctorSignIn(
                    platform.gatewayPort(), offline.examId(), platform.staff().getFirst());
            console.waitForText(By.cssSelector("table.counts"), "amphi-a");
            console.driver.findElement(By.id("journal-session")).sendKeys(sessionId);
            console.driver
                    .findElement(By.id("journal-file"))
                    .sendKeys(journal.toAbsolutePath().toString());
            console.driver
                    .findElement(By.xpath("//button[normalize-space()='Upload the journal']"))
                    .click();
            console.waitForText(By.cssSelector(".journal-entries"), "Question q5");
            assertThat(console.driver
                            .findElement(By.cssSelector(".journal-entries"))
                            .getText())
                    .contains("Question q3", "counts");
            console.waitForText(
                    By.cssSelector("tr[data-candidate='" + offline.candidateNumber() + "']"), "1 journal(s) waiting");
            console.read("document.getElementById('journals-heading').scrollIntoView()");
            assertThat(console.accessibilityViolations("proctor-offline-journal"))
                    .isEmpty();
            console.screenshot("32-proctor-offline-journal", "proctor-offline-journal");
            assertThat(rest.storedAnswers(offline))
                    .as("an uploaded journal counts for nothing before it is accepted")
                    .containsOnlyKeys("q1");

            console.driver.findElement(By.id("reason")).sendKeys("network down in room A at the end, witnessed");
            console.driver
                    .findElement(By.xpath("//button[normalize-space()='Accept these answers']"))
                    .click();
            console.waitForText(By.cssSelector("[role=status]"), "State: accepted");
        }

        assertThat(rest.storedAnswers(offline))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "q1", "{\"choices\":[\"B\"]}",
                        "q3", "{\"text\":\"Aspirine\"}",
                        "q5", "{\"likert\":-2}"));
        HttpResponse<String> again = rest.send(
                "POST",
                "/proctor/sessions/" + sessionId + "/offline-journals",
                proctor,
                "application/vnd.amphi.offline-journal+json",
                file);
        JsonNode same = json.readTree(again.body());
        assertThat(same.path("decision").asText()).as(again.body()).isEqualTo("ACCEPTED");
        assertThat(same.path("changed").asBoolean()).isFalse();
    }
}
