package io.amphi.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.amphi.delivery.RunningDelivery;
import io.amphi.delivery.domain.Enrolment;
import io.amphi.delivery.domain.MutableClock;
import io.amphi.platform.audit.EventHashes;
import io.amphi.platform.audit.InclusionProof;
import io.amphi.platform.audit.SubmissionReceipt;
import io.amphi.proto.delivery.v1.CloseExamRequest;
import io.amphi.proto.delivery.v1.DeliveryServiceGrpc.DeliveryServiceBlockingStub;
import io.amphi.proto.delivery.v1.ProveSubmissionRequest;
import io.amphi.proto.delivery.v1.ReceiptKey;
import io.amphi.proto.delivery.v1.ResumeSessionRequest;
import io.amphi.proto.delivery.v1.SessionState;
import io.amphi.proto.delivery.v1.StartSessionRequest;
import io.amphi.proto.delivery.v1.SubmitSessionRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A candidate's receipt, end to end through a real delivery: given at submission and on resume,
 * signed with a key anyone can fetch; after sealing, the session's inclusion proof leads to the
 * root the university published, and both the audit tool and the second verifier accept the pair,
 * while a proof is refused before sealing and to anyone but the candidate, an auditor or the
 * exam's university.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReceiptIT {

    private static final String EXAM = RunningDelivery.DEMO_EXAM;
    private static final List<String> CANDIDATES = List.of("cand-001", "cand-002", "cand-003");

    @TempDir
    static Path data;

    @TempDir
    static Path files;

    private RunningDelivery delivery;
    private MutableClock clock;
    private final Map<String, SessionState> submitted = new LinkedHashMap<>();

    @BeforeAll
    void submitEverySession() {
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        delivery = RunningDelivery.start(data, clock, "amphi.delivery.auto-submit-interval=1h");
        delivery.openDemoExam(
                clock,
                CANDIDATES.stream()
                        .map(c -> new Enrolment(EXAM, c, Duration.ZERO))
                        .toList());
        for (String candidate : CANDIDATES) {
            DeliveryServiceBlockingStub stub = delivery.asCandidate(candidate);
            String session = stub.startSession(
                            StartSessionRequest.newBuilder().setExamId(EXAM).build())
                    .getSession()
                    .getSessionId();
            submitted.put(
                    candidate,
                    stub.submitSession(SubmitSessionRequest.newBuilder()
                            .setSessionId(session)
                            .build()));
        }
    }

    @AfterAll
    void stop() {
        delivery.close();
    }

    private byte[] publishedKey(String keyId) {
        return delivery
                .anonymous()
                .getReceiptKeys(com.google.protobuf.Empty.getDefaultInstance())
                .getKeysList()
                .stream()
                .filter(key -> key.getKeyId().equals(keyId))
                .findFirst()
                .map(ReceiptKey::getPublicKey)
                .orElseThrow()
                .toByteArray();
    }

    private static SubmissionReceipt receipt(SessionState state) {
        var receipt = state.getReceipt();
        return new SubmissionReceipt(
                receipt.getSessionId(),
                receipt.getLastSequence(),
                receipt.getFinalHash(),
                receipt.getSubmittedAt(),
                receipt.getKeyId(),
                receipt.getSignature().toByteArray());
    }

    private Status.Code refusal(DeliveryServiceBlockingStub stub, String session) {
        return catchThrowableOfType(
                        StatusRuntimeException.class,
                        () -> stub.proveSubmission(ProveSubmissionRequest.newBuilder()
                                .setSessionId(session)
                                .build()))
                .getStatus()
                .getCode();
    }

    @Test
    void aSubmissionsReceiptIsSignedWithAPublishedKeyAndNamesTheStoredLastEvent() {
        SessionState state = submitted.get("cand-001");
        assertThat(state.hasReceipt()).isTrue();
        SubmissionReceipt receipt = receipt(state);
        assertThat(receipt.verify(publishedKey(receipt.keyId()))).isTrue();
        var last = delivery.storedEvents(state.getSessionId()).getLast();
        assertThat(receipt.lastSequence()).isEqualTo(last.sequenceNumber());
        assertThat(receipt.finalHash()).isEqualTo(EventHashes.hex(last.chainHash()));

        SessionState resumed = delivery.asCandidate("cand-001")
                .resumeSession(ResumeSessionRequest.newBuilder()
                        .setSessionId(state.getSessionId())
                        .build());
        assertThat(receipt(resumed)).as("asked again, the same receipt").isEqualTo(receipt);
        SubmissionReceipt forged = new SubmissionReceipt(
                receipt.sessionId(),
                receipt.lastSequence() + 1,
                receipt.finalHash(),
                receipt.submittedAt(),
                receipt.keyId(),
                receipt.signature());
        assertThat(forged.verify(publishedKey(receipt.keyId()))).isFalse();
    }

    @Test
    void afterSealingTheReceiptIsProvenInThePublishedRootByBothCheckers() throws Exception {
        String session = submitted.get("cand-002").getSessionId();
        assertThat(refusal(delivery.asCandidate("cand-002"), session))
                .as("before sealing")
                .isEqualTo(Status.Code.FAILED_PRECONDITION);
        clock.advance(Duration.ofHours(1));
        String root = delivery.withToken(delivery.auth().universityToken("univ-paris", "exams:write"))
                .closeExam(CloseExamRequest.newBuilder().setExamId(EXAM).build())
                .getMerkleRoot();

        var proof = delivery.asCandidate("cand-002")
                .proveSubmission(ProveSubmissionRequest.newBuilder()
                        .setSessionId(session)
                        .build());
        InclusionProof inclusion = new InclusionProof(
                proof.getExamId(),
                proof.getSessionId(),
                proof.getLastSequence(),
                proof.getFinalHash(),
                proof.getLeafIndex(),
                proof.getTreeSize(),
                proof.getAuditPathList(),
                proof.getExamRoot());
        assertThat(inclusion.leadsTo(root)).isTrue();
        assertThat(delivery.withToken(delivery.auth().auditorToken("auditor"))
                        .proveSubmission(ProveSubmissionRequest.newBuilder()
                                .setSessionId(session)
                                .build()))
                .isEqualTo(proof);
        assertThat(refusal(delivery.asCandidate("cand-003"), session)).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(refusal(delivery.asProctor("proctor-1"), session)).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(refusal(delivery.withToken(delivery.auth().auditorToken("auditor")), "not a session"))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);

        SubmissionReceipt receipt = receipt(submitted.get("cand-002"));
        Path receiptFile = Files.writeString(
                files.resolve("receipt.json"), ReceiptCheck.receiptJson(receipt).toString());
        Path proofFile = Files.writeString(
                files.resolve("proof.json"), ReceiptCheck.proofJson(inclusion).toString());
        List<String> args = List.of(
                "check-receipt",
                "--receipt",
                receiptFile.toString(),
                "--proof",
                proofFile.toString(),
                "--expected-root",
                root,
                "--public-key",
                EventHashes.hex(publishedKey(receipt.keyId())),
                "--json");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = AuditCli.run(
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err, false, args.toArray(String[]::new));
        assertThat(exit).as(out.toString(StandardCharsets.UTF_8)).isZero();
        SecondVerifier.require();
        SecondVerifier.Run python = SecondVerifier.run(args.toArray(String[]::new));
        assertThat(python.exitCode()).as(python.output()).isZero();
        assertThat(new ObjectMapper().readTree(python.output()).get("verdict").asText())
                .isEqualTo("VALID");
    }
}
