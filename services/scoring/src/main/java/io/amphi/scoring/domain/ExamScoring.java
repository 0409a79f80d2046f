package io.amphi.scoring.domain;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import io.amphi.platform.audit.EventHashes;
import io.amphi.platform.audit.PublicationSeal;
import io.amphi.platform.domain.DomainException;
import io.amphi.scoring.api.ScoringCommands;
import io.amphi.scoring.api.ScoringCommands.PublishAnswerKey;
import io.amphi.scoring.api.ScoringCommands.PublishResults;
import io.amphi.scoring.api.ScoringCommands.ResultsToSeal;
import io.amphi.scoring.api.ScoringEvents.AnswerKeyPublished;
import io.amphi.scoring.api.ScoringEvents.ResultsPublished;
import io.amphi.scoring.api.ScoringResults.KeyVersion;
import io.amphi.scoring.api.ScoringResults.Publication;
import io.amphi.scoring.rules.RuleSets;
import java.time.Clock;
import java.util.List;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateLifecycle;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * An exam's scoring: its answer key versions (a correction is a new version with its reason,
 * never an edit) and the publications of its results, each sealed by a root chained to the
 * previous one's. Keys come only once the exam is sealed.
 */
@Aggregate(commandTargetResolver = "commandTargetResolver")
public class ExamScoring {

    @AggregateIdentifier
    private String scoringId;

    private String examId;
    private int keyVersion;
    private int contentVersion;
    private String ruleSet;
    private ResultsPublished lastPublication;

    protected ExamScoring() {}

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public KeyVersion handle(PublishAnswerKey command, ExamClosures closures, ExamQuestions questions, Clock clock) {
        if (RuleSets.byVersion(command.ruleSet()).isEmpty()) {
            throw DomainException.invalid(
                    "UNKNOWN_RULE_SET",
                    "There is no rule set '%s'; known: %s.".formatted(command.ruleSet(), RuleSets.versions()));
        }
        if (keyVersion > 0 && (command.reason() == null || command.reason().isBlank())) {
            throw DomainException.invalid(
                    "MISSING_REASON",
                    "Key version %d of exam %s exists: a correction says why.".formatted(keyVersion, command.examId()));
        }
        if (keyVersion > 0 && command.contentVersion() != contentVersion) {
            throw DomainException.invalid(
                    "OTHER_CONTENT_VERSION",
                    "Exam %s was keyed for content version %d, not %d."
                            .formatted(command.examId(), contentVersion, command.contentVersion()));
        }
        if (!closures.isSealed(command.examId())) {
            throw DomainException.precondition(
                    "EXAM_NOT_CLOSED",
                    "Exam %s is not closed: answer keys are published ".formatted(command.examId())
                            + "only after it is closed and sealed (sealed seconds ago? scoring reads the seal from the "
                            + "log a moment later: send the key again).");
        }
        List<ExamQuestions.Shape> shapes = questions
                .of(command.examId(), command.contentVersion())
                .orElseThrow(() -> DomainException.notFound(
                        "UNKNOWN_CONTENT",
                        "Exam %s has no content version %d.".formatted(command.examId(), command.contentVersion())));
        List<String> problems = AnswerKeyCheck.problems(shapes, command.questions());
        if (!problems.isEmpty()) {
            throw DomainException.invalid(
                    "KEY_DOES_NOT_FIT",
                    "The key does not fit content version %d of exam %s: %s."
                            .formatted(command.contentVersion(), command.examId(), String.join("; ", problems)));
        }
        int next = keyVersion + 1;
        apply(new AnswerKeyPublished(
                command.examId(),
                next,
                command.contentVersion(),
                command.questions(),
                command.ruleSet(),
                next == 1 && (command.reason() == null || command.reason().isBlank())
                        ? "initial key"
                        : command.reason(),
                clock.instant(),
                command.publishedBy()));
        return new KeyVersion(command.examId(), next);
    }

    @CommandHandler
    public Publication handle(PublishResults command, Clock clock) {
        if (lastPublication != null && lastPublication.keyVersion() == keyVersion) {
            return publication(lastPublication, true);
        }
        ResultsToSeal results = command.results();
        if (results == null) {
            throw DomainException.precondition(
                    "RESULTS_NOT_SEALED",
                    "This request carries no seal of the results "
                            + "(sent by an older replica): publish again once every scoring replica runs this version.");
        }
        Long lastSequence = AggregateLifecycle.getVersion();
        if (results.keyVersion() != keyVersion
                || lastSequence == null
                || results.scoringLastSequence() != lastSequence) {
            throw DomainException.precondition(
                    "SCORING_CHANGED",
                    ("The scoring of exam %s changed while its results "
                                    + "were being sealed (key version %d is the latest): publish again.")
                            .formatted(examId, keyVersion));
        }
        int number = lastPublication == null ? 1 : lastPublication.publication() + 1;
        String previousRoot = lastPublication == null || lastPublication.publicationRoot() == null
                ? EventHashes.hex(PublicationSeal.NO_PREVIOUS)
                : lastPublication.publicationRoot();
        String root = EventHashes.hex(PublicationSeal.root(new PublicationSeal.Publication(
                examId,
                number,
                EventHashes.fromHex(previousRoot),
                EventHashes.fromHex(results.examRoot()),
                results.scoringLastSequence(),
                EventHashes.fromHex(results.scoringFinalHash()),
                keyVersion,
                ruleSet,
                results.results(),
                EventHashes.fromHex(results.resultsRoot()))));
        ResultsPublished published = new ResultsPublished(
                examId,
                keyVersion,
                ruleSet,
                clock.instant(),
                command.publishedBy(),
                number,
                previousRoot,
                results.examRoot(),
                results.scoringLastSequence(),
                results.scoringFinalHash(),
                results.results(),
                results.resultsRoot(),
                root);
        apply(published);
        return publication(published, false);
    }

    private static Publication publication(ResultsPublished published, boolean already) {
        return new Publication(
                published.examId(),
                published.keyVersion(),
                published.ruleSet(),
                published.publishedAt(),
                already,
                published.publication(),
                published.publicationRoot(),
                published.resultsRoot(),
                published.results());
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
        lastPublication = event;
    }
}
