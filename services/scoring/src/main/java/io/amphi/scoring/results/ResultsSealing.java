package io.amphi.scoring.results;

import io.amphi.delivery.api.Events.ExamSealed;
import io.amphi.platform.audit.ChainVerifier;
import io.amphi.platform.audit.EventHashes;
import io.amphi.platform.audit.PublicationSeal;
import io.amphi.platform.audit.StoredEvent;
import io.amphi.platform.db.EventStoreReader;
import io.amphi.platform.domain.DomainException;
import io.amphi.scoring.api.ScoringCommands;
import io.amphi.scoring.api.ScoringCommands.PublishResults;
import io.amphi.scoring.api.ScoringCommands.ResultsToSeal;
import io.amphi.scoring.api.ScoringEvents.AnswerKeyPublished;
import io.amphi.scoring.api.ScoringResults.Publication;
import io.amphi.scoring.store.ResultQueries;
import io.amphi.scoring.store.ResultStore;
import io.amphi.scoring.store.ResultStore.StoredKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.axonframework.commandhandling.gateway.CommandGateway;

/**
 * Publishes an exam's results with their seal: reads the exam's seal root and the scoring stream
 * as stored (verifying its chain), takes every result line as it stands, and lets the ExamScoring
 * aggregate chain the new publication root to the previous one. Results are sealed only once all
 * of them are computed under the latest key.
 */
public class ResultsSealing {

    private static final String SEALED = ExamSealed.class.getName();
    private static final String KEY_PUBLISHED = AnswerKeyPublished.class.getName();

    private final ResultStore store;
    private final ResultQueries queries;
    private final DataSource dataSource;
    private final CommandGateway commands;

    public ResultsSealing(ResultStore store, ResultQueries queries, DataSource dataSource, CommandGateway commands) {
        this.store = store;
        this.queries = queries;
        this.dataSource = dataSource;
        this.commands = commands;
    }

    public Publication publish(String examId, String publishedBy) {
        List<StoredEvent> scoring;
        List<StoredEvent> exam;
        try (Connection connection = dataSource.getConnection()) {
            EventStoreReader reader = new EventStoreReader(connection);
            scoring = reader.aggregate(ScoringCommands.scoringId(examId));
            exam = reader.aggregate(examId);
            connection.rollback();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the event log of exam " + examId, e);
        }
        int keyVersion = latestKeyVersion(scoring, examId);
        ChainVerifier.Result chain = ChainVerifier.verify(ScoringCommands.scoringId(examId), scoring);
        chain.finding().ifPresent(finding -> {
            throw DomainException.precondition(
                    "LOG_DAMAGED",
                    "The scoring log of exam %s is damaged (%s): nothing ".formatted(examId, finding.describe())
                            + "was published.");
        });
        StoredKey computedKey = store.latestKey(examId).orElse(null);
        int computed = computedKey == null ? 0 : computedKey.keyVersion();
        List<PublicationSeal.ResultLine> results = queries.resultLines(examId);
        long behind = results.stream()
                .filter(result -> result.keyVersion() != keyVersion)
                .count();
        if (computed != keyVersion || behind > 0) {
            throw DomainException.precondition(
                    "RESULTS_NOT_READY",
                    ("The results of exam %s under key version %d are "
                                    + "still being computed (%d of %d done): publish again in a few seconds.")
                            .formatted(
                                    examId,
                                    keyVersion,
                                    computed != keyVersion ? 0 : results.size() - behind,
                                    results.size()));
        }
        int scorable = queries.countSubmitted(examId, computedKey.contentVersion());
        if (results.size() != scorable) {
            throw DomainException.precondition(
                    "RESULTS_INCOMPLETE",
                    ("Exam %s has %d submitted sessions on content "
                                    + "version %d but %d results under key version %d: nothing was published. Rebuild the results "
                                    + "(replay the scoring projection) before publishing.")
                            .formatted(examId, scorable, computedKey.contentVersion(), results.size(), keyVersion));
        }
        ResultsToSeal toSeal = new ResultsToSeal(
                keyVersion,
                sealRoot(exam, examId),
                chain.lastSequence(),
                EventHashes.hex(chain.finalHash()),
                results.size(),
                EventHashes.hex(PublicationSeal.resultsRoot(results)));
        return commands.sendAndWait(new PublishResults(ScoringCommands.scoringId(examId), examId, publishedBy, toSeal));
    }

    private static int latestKeyVersion(List<StoredEvent> scoring, String examId) {
        return scoring.stream()
                .filter(event -> KEY_PUBLISHED.equals(event.payloadType()))
                .mapToInt(event -> event.payloadJson().path("keyVersion").asInt())
                .max()
                .orElseThrow(() -> DomainException.precondition(
                        "NO_ANSWER_KEY", "Exam %s has no answer key: publish one first.".formatted(examId)));
    }

    private static String sealRoot(List<StoredEvent> exam, String examId) {
        ChainVerifier.verify(examId, exam).finding().ifPresent(finding -> {
            throw DomainException.precondition(
                    "LOG_DAMAGED",
                    "The log of exam %s is damaged (%s): nothing was published.".formatted(examId, finding.describe()));
        });
        return exam.stream()
                .filter(event -> SEALED.equals(event.payloadType()))
                .findFirst()
                .map(event -> event.payloadJson().path("merkleRoot").asText())
                .orElseThrow(() -> new IllegalStateException("Exam " + examId + " has answer keys but no seal"));
    }
}
