package io.amphi.scoring.access;

import io.amphi.platform.domain.DomainException;
import io.amphi.platform.grpc.Caller;
import io.amphi.scoring.store.ResultQueries;
import io.amphi.scoring.store.ResultStore;
import io.amphi.scoring.store.ResultStore.StoredKey;
import java.util.List;
import java.util.Optional;

/**
 * Who may read an exam's results, and when: auditors always; universities with the
 * {@value #RESULTS_READ} scope, bound to the exam, once the latest key's results are published;
 * never figures of a key version that is not the published one. The transport only asks.
 */
public class ResultReadingRights {

    /** The scope a university's account needs to read results. */
    public static final String RESULTS_READ = "results:read";

    private final ResultStore store;
    private final ResultQueries queries;

    public ResultReadingRights(ResultStore store, ResultQueries queries) {
        this.store = store;
        this.queries = queries;
    }

    /** An auditor, or a university allowed to read results, working on the exam. */
    public Caller requireReader(String examId) {
        Caller caller = Caller.current();
        Caller reader =
                caller.role() == Caller.Role.AUDITOR ? caller : Caller.require(Caller.Role.UNIVERSITY, RESULTS_READ);
        reader.requireExam(examId);
        return reader;
    }

    /**
     * What a non-auditor reads must be the published key version's results: a re-scoring that
     * commits between the publication check and the read must not leak its new figures.
     */
    public void requireSameResults(Caller reader, String examId, List<Integer> keyVersions, StoredKey key) {
        if (reader.role() != Caller.Role.AUDITOR
                && keyVersions.stream().anyMatch(version -> version != key.keyVersion())) {
            throw DomainException.precondition(
                    "NOT_PUBLISHED",
                    "The results of exam %s are being scored under a new answer key and are not published yet."
                            .formatted(examId));
        }
    }

    /** Until publication, only auditors read results. */
    public void requirePublishedFor(Caller reader, String examId, boolean published) {
        if (reader.role() != Caller.Role.AUDITOR && !published) {
            throw DomainException.precondition(
                    "NOT_PUBLISHED",
                    ("The results of exam %s are not published: until "
                                    + "then only auditors read them (statistics are open to universities).")
                            .formatted(examId));
        }
    }

    /** Whether the key's results are the published ones. */
    public boolean isPublished(String examId, StoredKey key) {
        Optional<ResultQueries.Publication> publication = queries.publication(examId);
        return publication.isPresent() && publication.get().keyVersion() == key.keyVersion();
    }

    /** The exam's latest key; NOT_FOUND before the first. */
    public StoredKey latestKey(String examId) {
        return store.latestKey(examId)
                .orElseThrow(() -> DomainException.notFound(
                        "NO_ANSWER_KEY", "Exam %s has no answer key yet, so no results.".formatted(examId)));
    }
}
