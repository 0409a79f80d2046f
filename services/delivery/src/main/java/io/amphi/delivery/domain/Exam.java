package io.amphi.delivery.domain;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import io.amphi.delivery.api.Commands.SealExam;
import io.amphi.delivery.api.Events.ExamSealed;
import io.amphi.delivery.api.Events.SealedSession;
import io.amphi.delivery.api.Results.SealResult;
import io.amphi.delivery.api.SessionIds;
import io.amphi.platform.audit.EventHashes;
import io.amphi.platform.audit.MerkleTree;
import io.amphi.platform.domain.DomainException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * An exam as a whole, identified by its exam id (which never holds a ':', so it never collides
 * with a session). Today it records the seal; a sealed exam's log can no longer change unnoticed.
 */
@Aggregate(commandTargetResolver = "commandTargetResolver")
public class Exam {

    @AggregateIdentifier
    private String examId;

    private String merkleRoot;
    private int sessionCount;
    private Instant sealedAt;

    protected Exam() {}

    /**
     * Seals once with the Merkle root of the sessions given; sealing again with sessions of the
     * same root answers the same seal, with any other is refused.
     */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public SealResult handle(SealExam command, Clock clock) {
        List<SealedSession> sessions = command.sessions();
        String root = EventHashes.hex(MerkleTree.root(sessions.stream()
                .map(s -> new MerkleTree.Leaf(s.sessionId(), s.lastSequence(), EventHashes.fromHex(s.finalHash())))
                .toList()));
        if (sealedAt != null) {
            if (!merkleRoot.equals(root)) {
                throw DomainException.precondition(
                        "ALREADY_SEALED",
                        ("Exam %s was sealed at %s with root %s; its log "
                                        + "now gives %s. The log changed after sealing: run the auditor's verify.")
                                .formatted(examId, sealedAt, merkleRoot, root));
            }
            return new SealResult(examId, merkleRoot, sessionCount, sealedAt, true);
        }
        Set<String> seen = new HashSet<>();
        for (SealedSession session : sessions) {
            if (!SessionIds.isSessionOf(session.sessionId(), command.examId()) || !seen.add(session.sessionId())) {
                throw DomainException.invalid(
                        "BAD_SEAL",
                        "Session %s does not belong once to exam %s.".formatted(session.sessionId(), command.examId()));
            }
        }
        Instant now = clock.instant();
        apply(new ExamSealed(command.examId(), root, sessions, now, command.sealedBy()));
        return new SealResult(command.examId(), root, sessions.size(), now, false);
    }

    @EventSourcingHandler
    void on(ExamSealed event) {
        examId = event.examId();
        merkleRoot = event.merkleRoot();
        sessionCount = event.sessions().size();
        sealedAt = event.sealedAt();
    }
}
