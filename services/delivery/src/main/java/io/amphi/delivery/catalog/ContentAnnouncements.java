package io.amphi.delivery.catalog;

import io.amphi.delivery.api.Commands.AnnounceExamContent;
import io.amphi.delivery.api.Events.ExamContentPublished;
import io.amphi.delivery.api.Events.PublishedQuestion;
import io.amphi.delivery.content.ExamFileReader;
import io.amphi.delivery.domain.ChoiceOption;
import io.amphi.delivery.domain.ExamContent;
import io.amphi.delivery.domain.KeyFeaturesCase;
import io.amphi.delivery.domain.MultipleResponse;
import io.amphi.delivery.domain.Question;
import io.amphi.delivery.domain.SingleBestAnswer;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * Tells the other services what each published content version holds
 * ({@link ExamContentPublished}), so none of them reads delivery's catalog: right after a version
 * is stored and, at every start, for each version stored without its announcement (a database
 * from before announcements, or a stop between storing and announcing).
 */
public class ContentAnnouncements {

    private static final Logger log = LoggerFactory.getLogger(ContentAnnouncements.class);

    private final JdbcTemplate jdbc;
    private final ExamCatalogStore catalog;
    private final CommandGateway commands;

    public ContentAnnouncements(JdbcTemplate jdbc, ExamCatalogStore catalog, CommandGateway commands) {
        this.jdbc = jdbc;
        this.catalog = catalog;
        this.commands = commands;
    }

    /** Announces a stored version; announcing it again changes nothing. */
    public void announce(ExamContent content) {
        String sha256 = catalog.contentSha256(content.examId(), content.version())
                .orElseThrow(() -> new IllegalStateException(
                        "Exam %s version %d is not stored".formatted(content.examId(), content.version())));
        try {
            commands.sendAndWait(new AnnounceExamContent(
                    ExamContentPublished.releaseId(content.examId(), content.version()),
                    content.examId(),
                    content.version(),
                    sha256,
                    questions(content.questions())));
        } catch (ConcurrencyException | AggregateStreamCreationException announcedMeanwhile) {
            log.debug(
                    "Exam {} version {} was announced by another replica meanwhile",
                    content.examId(),
                    content.version());
        }
    }

    /** Announces every stored version that has no announcement yet. */
    @EventListener(ApplicationReadyEvent.class)
    public void announceUnannounced() {
        Map<String, StoredVersion> stored = new LinkedHashMap<>();
        jdbc.query("SELECT exam_id, version FROM exam_content ORDER BY exam_id, version", (RowCallbackHandler) rs -> {
            StoredVersion version = new StoredVersion(rs.getString(1), rs.getInt(2));
            stored.put(ExamContentPublished.releaseId(version.examId(), version.version()), version);
        });
        List<String> announced = jdbc.queryForList(
                "SELECT DISTINCT aggregate_identifier FROM event_store.domain_event_entry WHERE aggregate_identifier = ANY (?)",
                String.class,
                (Object) stored.keySet().toArray(String[]::new));
        stored.keySet().removeAll(announced);
        Collection<StoredVersion> unannounced = stored.values();
        for (StoredVersion version : unannounced) {
            try {
                catalog.content(version.examId(), version.version()).ifPresent(this::announce);
            } catch (RuntimeException e) {
                // Sessions do not need the announcement; scoring does, before a key: the start goes on.
                log.error(
                        "Could not announce exam {} version {}; the next start tries again",
                        version.examId(),
                        version.version(),
                        e);
            }
        }
        if (!unannounced.isEmpty()) {
            log.info("Announced {} content versions stored without their ExamContentPublished", unannounced.size());
        }
    }

    private record StoredVersion(String examId, int version) {}

    static List<PublishedQuestion> questions(List<? extends Question> questions) {
        return questions.stream()
                .map(question -> new PublishedQuestion(
                        question.id(),
                        ExamFileReader.kindOf(question),
                        switch (question) {
                            case SingleBestAnswer q -> optionIds(q.options());
                            case MultipleResponse q -> optionIds(q.options());
                            default -> List.<String>of();
                        },
                        question instanceof KeyFeaturesCase c ? questions(c.questions()) : List.of()))
                .toList();
    }

    private static List<String> optionIds(List<ChoiceOption> options) {
        return options.stream().map(ChoiceOption::id).toList();
    }
}
