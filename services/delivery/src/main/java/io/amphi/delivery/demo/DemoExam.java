package io.amphi.delivery.demo;

import io.amphi.delivery.catalog.ExamCatalogStore;
import io.amphi.delivery.domain.Enrolment;
import io.amphi.delivery.domain.ExamContent;
import io.amphi.delivery.domain.ExamSchedule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * For local runs: publishes the demo exam, opens it from an hour ago to twelve hours from now and
 * enrols a few demo candidates (one with a third more time).
 * Everything is idempotent, so restarting on the same data keeps the sessions already started.
 */
public class DemoExam implements SmartInitializingSingleton {

    static final String FILE = "/exams/demo-cardiology.json";
    public static final List<String> CANDIDATES = List.of("cand-001", "cand-002", "cand-003", "cand-004", "cand-005");

    private final ExamCatalogStore catalog;
    private final Clock clock;
    private final Path examFile;
    private ExamContent content;

    /** @param examFile an exam file to open instead of the built-in demo, or {@code null} */
    public DemoExam(ExamCatalogStore catalog, Clock clock, Path examFile) {
        this.catalog = catalog;
        this.clock = clock;
        this.examFile = examFile;
    }

    @Override
    public void afterSingletonsInstantiated() {
        String source = examFile == null ? FILE : examFile.toAbsolutePath().toString();
        byte[] file;
        try (InputStream in =
                examFile == null ? DemoExam.class.getResourceAsStream(FILE) : Files.newInputStream(examFile)) {
            file = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the exam file " + source, e);
        }
        content = catalog.publish(file, source);
        Instant now = clock.instant();
        catalog.schedule(
                content.examId(), new ExamSchedule(now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(12))));
        catalog.enrol(CANDIDATES.stream()
                .map(c -> new Enrolment(
                        content.examId(),
                        c,
                        c.equals("cand-005") ? content.duration().dividedBy(3) : Duration.ZERO,
                        CANDIDATES.indexOf(c) < 3 ? "amphi-a" : "amphi-b"))
                .toList());
    }

    /** The published demo exam. */
    public ExamContent content() {
        return content;
    }
}
