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
import java.util.List;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;

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
        List<String[]> unannounced = jdbc.query("""
                SELECT c.exam_id, c.version FROM exam_content c
                WHERE NOT EXISTS (SELECT 1 FROM event_store.domain_event_entry e
                                  WHERE e.aggregate_identifier = c.exam_id || '/content/' || c.version)
                ORDER BY c.exam_id, c.version""", (rs, row) -> new String[] {rs.getString(1), rs.getString(2)});
        for (String[] version : unannounced) {
            try {
                catalog.content(version[0], Integer.parseInt(version[1])).ifPresent(this::announce);
            } catch (RuntimeException e) {
                // Sessions do not need the announcement; scoring does, before a key: the start goes on.
                log.error(
                        "Could not announce exam {} version {}; the next start tries again", version[0], version[1], e);
            }
        }
        if (!unannounced.isEmpty()) {
            log.info("Announced {} content versions stored without their ExamContentPublished", unannounced.size());
        }
    }

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
