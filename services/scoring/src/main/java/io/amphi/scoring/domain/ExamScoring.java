package io.amphi.scoring.domain;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import io.amphi.platform.domain.DomainException;
import io.amphi.scoring.api.ScoringCommands;
import io.amphi.scoring.api.ScoringCommands.PublishAnswerKey;
import io.amphi.scoring.api.ScoringCommands.PublishResults;
import io.amphi.scoring.api.ScoringEvents.AnswerKeyPublished;
import io.amphi.scoring.api.ScoringEvents.ResultsPublished;
import io.amphi.scoring.api.ScoringResults.KeyVersion;
import io.amphi.scoring.api.ScoringResults.Publication;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * An exam's scoring: its answer key versions (a correction is a new version with its reason,
 * never an edit) and the publication of its results. Keys come only once the exam is sealed.
 */
@Aggregate
public class ExamScoring {

    @AggregateIdentifier
    private String scoringId;
    private String examId;
    private int keyVersion;
    private int contentVersion;
    private String ruleSet;
    private int publishedKeyVersion;
    private Instant publishedAt;

    protected ExamScoring() {
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public KeyVersion handle(PublishAnswerKey command, ExamClosures closures, ExamQuestions questions, Clock clock) {
        if (RuleSets.byVersion(command.ruleSet()).isEmpty()) {
            throw DomainException.invalid("UNKNOWN_RULE_SET", "There is no rule set '%s'; known: %s."
                    .formatted(command.ruleSet(), RuleSets.versions()));
        }
        if (keyVersion > 0 && (command.reason() == null || command.reason().isBlank())) {
            throw DomainException.invalid("MISSING_REASON", "Key version %d of exam %s exists: a correction says why."
                    .formatted(keyVersion, command.examId()));
        }
        if (keyVersion > 0 && command.contentVersion() != contentVersion) {
            throw DomainException.invalid("OTHER_CONTENT_VERSION", "Exam %s was keyed for content version %d, not %d."
                    .formatted(command.examId(), contentVersion, command.contentVersion()));
        }
        if (!closures.isSealed(command.examId())) {
            throw DomainException.precondition("EXAM_NOT_CLOSED", "Exam %s is not closed: answer keys are published "
                    .formatted(command.examId()) + "only after it is closed and sealed.");
        }
        List<ExamQuestions.Shape> shapes = questions.of(command.examId(), command.contentVersion()).orElseThrow(() ->
                DomainException.notFound("UNKNOWN_CONTENT", "Exam %s has no content version %d."
                        .formatted(command.examId(), command.contentVersion())));
        List<String> problems = AnswerKeyCheck.problems(shapes, command.questions());
        if (!problems.isEmpty()) {
            throw DomainException.invalid("KEY_DOES_NOT_FIT", "The key does not fit content version %d of exam %s: %s."
                    .formatted(command.contentVersion(), command.examId(), String.join("; ", problems)));
        }
        int next = keyVersion + 1;
        apply(new AnswerKeyPublished(command.examId(), next, command.contentVersion(), command.questions(),
                command.ruleSet(), next == 1 && (command.reason() == null || command.reason().isBlank())
                        ? "initial key" : command.reason(), clock.instant(), command.publishedBy()));
        return new KeyVersion(command.examId(), next);
    }

    @CommandHandler
    public Publication handle(PublishResults command, Clock clock) {
        if (publishedKeyVersion == keyVersion) {
            return new Publication(examId, keyVersion, ruleSet, publishedAt, true);
        }
        Instant now = clock.instant();
        apply(new ResultsPublished(examId, keyVersion, ruleSet, now, command.publishedBy()));
        return new Publication(examId, keyVersion, ruleSet, now, false);
    }

    @EventSourcingHandler
    void on(AnswerKeyPublished event) {
        scoringId = ScoringCommands.scoringId(event.examId());
        examId = event.examId();
        keyVersion = event.keyVersion();
        contentVersion = event.contentVersion();
        ruleSet = event.ruleSet();
    }

    @EventSourcingHandler
    void on(ResultsPublished event) {
        publishedKeyVersion = event.keyVersion();
        publishedAt = event.publishedAt();
    }
}
