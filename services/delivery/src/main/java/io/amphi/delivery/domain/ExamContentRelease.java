package io.amphi.delivery.domain;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import io.amphi.delivery.api.Commands.AnnounceExamContent;
import io.amphi.delivery.api.Events.ExamContentPublished;
import io.amphi.platform.domain.DomainException;
import java.time.Clock;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * One published content version of an exam, as the other services learn of it: announced once,
 * never changed (the catalog already refuses other content under a published version; this is
 * the log's own guard).
 */
@Aggregate(commandTargetResolver = "commandTargetResolver")
public class ExamContentRelease {

    @AggregateIdentifier
    private String releaseId;

    private String contentSha256;

    protected ExamContentRelease() {}

    /** Announces the version once; announcing it again with the same file changes nothing. */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(AnnounceExamContent command, Clock clock) {
        if (!command.releaseId().equals(ExamContentPublished.releaseId(command.examId(), command.contentVersion()))) {
            throw DomainException.invalid(
                    "RELEASE_ID_MISMATCH", "A content release's id is '<exam>/content/<version>'.");
        }
        if (contentSha256 != null) {
            if (!contentSha256.equals(command.contentSha256())) {
                throw DomainException.precondition(
                        "VERSION_ALREADY_PUBLISHED",
                        ("Exam %s version %d was announced with" + " other content; published content never changes.")
                                .formatted(command.examId(), command.contentVersion()));
            }
            return;
        }
        apply(new ExamContentPublished(
                command.examId(),
                command.contentVersion(),
                command.contentSha256(),
                command.questions(),
                clock.instant()));
    }

    @EventSourcingHandler
    void on(ExamContentPublished event) {
        releaseId = ExamContentPublished.releaseId(event.examId(), event.contentVersion());
        contentSha256 = event.contentSha256();
    }
}
