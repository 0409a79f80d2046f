package io.amphi.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.amphi.delivery.api.Events.ExamSealed;
import io.amphi.delivery.api.PublishedEvents;
import io.amphi.platform.audit.InclusionProof;
import io.amphi.platform.audit.StoredEvent;
import io.amphi.platform.domain.Inputs;

/** A session's inclusion proof, taken from the seal an exam's log records. */
final class Proofs {

    private static final String SEALED = PublishedEvents.nameOf(ExamSealed.class);

    private Proofs() {}

    static InclusionProof prove(ExamLog log, String sessionId) throws Exception {
        StoredEvent seal = log.examEvents().stream()
                .filter(event -> SEALED.equals(event.payloadType()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Exam " + log.examId() + " is not sealed in this log: "
                        + "there is nothing to prove inclusion in."));
        JsonNode sealed = LogVerifier.sealPayload(seal);
        if (!LogVerifier.readableSeal(sealed)) {
            throw new IllegalArgumentException(
                    "The seal of exam " + log.examId() + " cannot be read (SEAL_INCONSISTENT): " + "run verify.");
        }
        return InclusionProof.SealedTree.ofSeal(sealed)
                .prove(log.examId(), sessionId)
                .orElseThrow(() -> new IllegalArgumentException(
                        "The seal of exam " + log.examId() + " lists no session " + Inputs.quote(sessionId) + "."));
    }
}
