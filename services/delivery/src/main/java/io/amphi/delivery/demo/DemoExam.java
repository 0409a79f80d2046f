package io.amphi.delivery.demo;

import io.amphi.delivery.catalog.JdbcExamCatalog;
import io.amphi.delivery.domain.Enrolment;
import io.amphi.delivery.domain.ExamContent;
import io.amphi.delivery.domain.ExamSchedule;
import io.amphi.platform.grpc.GrpcServerLifecycle;
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
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;

/**
 * For local runs: publishes the demo exam, opens it from an hour ago to twelve hours from now and
 * enrols a few demo candidates (one with a third more time), then says where to connect.
 * Everything is idempotent, so restarting on the same data keeps the sessions already started.
 */
public class DemoExam implements SmartInitializingSingleton {

    static final String FILE = "/exams/demo-cardiology.json";
    public static final List<String> CANDIDATES = List.of("cand-001", "cand-002", "cand-003", "cand-004", "cand-005");

    private final JdbcExamCatalog catalog;
    private final GrpcServerLifecycle grpcServer;
    private final Clock clock;
    private final String databaseUrl;
    private final Path examFile;
    private ExamContent content;

    /** @param examFile an exam file to open instead of the built-in demo, or {@code null} */
    public DemoExam(JdbcExamCatalog catalog, GrpcServerLifecycle grpcServer, Clock clock, String databaseUrl,
                    Path examFile) {
        this.catalog = catalog;
        this.grpcServer = grpcServer;
        this.clock = clock;
        this.databaseUrl = databaseUrl;
        this.examFile = examFile;
    }

    @Override
    public void afterSingletonsInstantiated() {
        String source = examFile == null ? FILE : examFile.toAbsolutePath().toString();
        byte[] file;
        try (InputStream in = examFile == null ? DemoExam.class.getResourceAsStream(FILE) : Files.newInputStream(examFile)) {
            file = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the exam file " + source, e);
        }
        content = catalog.publish(file, source);
        Instant now = clock.instant();
        catalog.schedule(content.examId(), new ExamSchedule(now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(12))));
        catalog.enrol(CANDIDATES.stream()
                .map(c -> new Enrolment(content.examId(), c,
                        c.equals("cand-005") ? content.duration().dividedBy(3) : Duration.ZERO))
                .toList());
    }

    /** The published demo exam. */
    public ExamContent content() {
        return content;
    }

    @EventListener(condition = "@environment.getProperty('amphi.demo.announce', 'true') == 'true'",
            classes = ApplicationReadyEvent.class)
    public void announce() {
        System.out.printf("""

                ============================================================
                 Amphi is running locally.
                 gRPC (DeliveryService, health, reflection): 127.0.0.1:%d
                 Exam: %s (version %d, %s), open now.
                 Demo candidates: %s (cand-005 has a third more time).
                 Identify as a candidate with the metadata header
                   amphi-candidate-id: cand-001
                 e.g. grpcurl -plaintext -H 'amphi-candidate-id: cand-001' \\
                   -d '{"exam_id":"%s"}' 127.0.0.1:%d amphi.delivery.v1.DeliveryService/StartSession
                 Database: %s
                 Stop with Ctrl-C; sessions are kept for the next start.
                ============================================================
                %n""", grpcServer.port(), content.examId(), content.version(), content.title(),
                String.join(", ", CANDIDATES), content.examId(), grpcServer.port(), databaseUrl);
    }
}
