package io.amphi.auth.grpc;

import com.google.protobuf.Empty;
import io.amphi.auth.domain.AccessCodes;
import io.amphi.auth.keys.SigningKeys;
import io.amphi.auth.revocation.DurableRevocations;
import io.amphi.auth.signin.SignIns;
import io.amphi.auth.store.CandidateCredentials;
import io.amphi.platform.cluster.LoginThrottle;
import io.amphi.platform.domain.DomainException;
import io.amphi.platform.domain.Identifiers;
import io.amphi.platform.domain.Inputs;
import io.amphi.platform.grpc.Caller;
import io.amphi.platform.grpc.ErrorMapping;
import io.amphi.platform.grpc.PeerAddress;
import io.amphi.platform.grpc.Protos;
import io.amphi.proto.auth.v1.AuthServiceGrpc;
import io.amphi.proto.auth.v1.AuthenticateClientRequest;
import io.amphi.proto.auth.v1.CandidateCredential;
import io.amphi.proto.auth.v1.ClearSignInFailuresRequest;
import io.amphi.proto.auth.v1.ClearSignInFailuresResponse;
import io.amphi.proto.auth.v1.GetJwksRequest;
import io.amphi.proto.auth.v1.IssueCandidateCredentialsRequest;
import io.amphi.proto.auth.v1.IssueCandidateCredentialsResponse;
import io.amphi.proto.auth.v1.Jwks;
import io.amphi.proto.auth.v1.LoginCandidateRequest;
import io.amphi.proto.auth.v1.RefreshRequest;
import io.amphi.proto.auth.v1.RevocationUpdate;
import io.amphi.proto.auth.v1.RevokeRequest;
import io.amphi.proto.auth.v1.RevokeResponse;
import io.amphi.proto.auth.v1.Tokens;
import io.amphi.proto.auth.v1.WatchRevocationsRequest;
import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sign-in and tokens over gRPC. */
public class AuthGrpcService extends AuthServiceGrpc.AuthServiceImplBase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AuthGrpcService.class);

    /** The scope a university's account needs to issue candidates' credentials. */
    static final String EXAMS_WRITE = "exams:write";

    static final int MAX_CREDENTIALS_PER_CALL = 10_000;
    /** Longer than any code or secret the platform hands out; a longer one is not hashed. */
    static final int MAX_SECRET = 128;
    /** A refresh token is 43 characters of URL-safe base64. */
    private static final Pattern REFRESH_TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private final SignIns signIns;
    private final CandidateCredentials candidates;
    private final SigningKeys keys;
    private final LoginThrottle throttle;
    private final DurableRevocations revocations;
    private final RevocationStreams revocationStreams;
    /** Where a paced sign-in waits for its turn, without holding a gRPC thread. */
    private final ExecutorService pacedSignIns = Executors.newVirtualThreadPerTaskExecutor();

    public AuthGrpcService(
            SignIns signIns,
            CandidateCredentials candidates,
            SigningKeys keys,
            LoginThrottle throttle,
            DurableRevocations revocations,
            RevocationStreams revocationStreams) {
        this.signIns = signIns;
        this.candidates = candidates;
        this.keys = keys;
        this.throttle = throttle;
        this.revocations = revocations;
        this.revocationStreams = revocationStreams;
    }

    @Override
    public void loginCandidate(LoginCandidateRequest request, StreamObserver<Tokens> response) {
        String examId = Inputs.id(request.getExamId(), "exam_id");
        String number = Inputs.id(request.getCandidateNumber(), "candidate_number");
        String accessCode = AccessCodes.normalised(secret(request.getAccessCode(), "access_code"));
        String source = PeerAddress.current();
        whenAdmitted(
                SignIns.candidateAccount(examId, number),
                source,
                response,
                () -> tokens(signIns.candidate(examId, number, accessCode, source)));
    }

    @Override
    public void authenticateClient(AuthenticateClientRequest request, StreamObserver<Tokens> response) {
        String clientId = Inputs.id(request.getClientId(), "client_id");
        String secret = secret(request.getClientSecret(), "client_secret");
        String source = PeerAddress.current();
        whenAdmitted(
                SignIns.clientAccount(clientId),
                source,
                response,
                () -> tokens(signIns.client(clientId, secret, source)));
    }

    /**
     * Runs a sign-in once the throttle admits it: at once, or on its turn when attempts are being
     * spaced out, without holding a gRPC thread while it waits.
     */
    private <T> void whenAdmitted(String account, String source, StreamObserver<T> response, Supplier<T> signIn) {
        Duration wait = signIns.admit(account, source);
        if (!wait.isPositive()) {
            Protos.reply(response, signIn.get());
            return;
        }
        Context call = Context.current();
        CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS, pacedSignIns)
                .execute(() -> {
                    if (call.isCancelled()) {
                        return;
                    }
                    T tokens;
                    try {
                        tokens = signIn.get();
                    } catch (RuntimeException refused) {
                        response.onError(ErrorMapping.map(refused).asException());
                        return;
                    }
                    Protos.reply(response, tokens);
                });
    }

    @Override
    public void refresh(RefreshRequest request, StreamObserver<Tokens> response) {
        Protos.reply(response, tokens(signIns.refresh(refreshToken(request))));
    }

    @Override
    public void signOut(RefreshRequest request, StreamObserver<Empty> response) {
        signIns.signOut(refreshToken(request));
        Protos.reply(response, Empty.getDefaultInstance());
    }

    private static String refreshToken(RefreshRequest request) {
        String token = request.getRefreshToken();
        if (!REFRESH_TOKEN.matcher(token).matches()) {
            throw DomainException.invalid(
                    "INVALID_REFRESH_TOKEN",
                    "A refresh token is the 43 characters a sign-in returned; got %d characters."
                            .formatted(token.length()));
        }
        return token;
    }

    @Override
    public void revoke(RevokeRequest request, StreamObserver<RevokeResponse> response) {
        Caller caller = Caller.current();
        if (caller.role() != Caller.Role.PROCTOR && caller.role() != Caller.Role.UNIVERSITY) {
            throw DomainException.forbidden("WRONG_ROLE", "Only a proctor or a university may withdraw access.");
        }
        String subject = Inputs.id(request.getSubject(), "subject");
        String examId = Inputs.optionalId(request.getExamId(), "exam_id");
        String reason = Inputs.text(request.getReason(), "reason", Inputs.MAX_REASON);
        // Auth does not know candidates' sites: withdrawing access is for proctors of every site.
        caller.requireAllSites("ask a proctor of every site or the university to withdraw access");
        if (examId != null) {
            caller.requireExam(examId);
        } else if (!caller.exams().isEmpty()) {
            throw DomainException.forbidden(
                    "NOT_YOUR_EXAM",
                    "Withdrawing a service account's access is for accounts "
                            + "that work on every exam; yours works on " + caller.exams() + ".");
        }
        DurableRevocations.Revoked revoked = revocations.revoke(subject, examId, caller.id(), reason);
        log.warn(
                "Access of {} (exam {}) withdrawn by {} {}: {}",
                subject,
                examId,
                caller.role().label(),
                caller.id(),
                Inputs.oneLine(reason));
        Protos.reply(
                response,
                RevokeResponse.newBuilder()
                        .setRevokedAt(Protos.timestamp(revoked.revokedAt()))
                        .build());
    }

    @Override
    public void issueCandidateCredentials(
            IssueCandidateCredentialsRequest request, StreamObserver<IssueCandidateCredentialsResponse> response) {
        Caller university = Caller.require(Caller.Role.UNIVERSITY, EXAMS_WRITE);
        String examId = Inputs.id(request.getExamId(), "exam_id");
        university.requireExam(examId);
        int count = request.getCandidatesCount();
        if (count == 0 || count > MAX_CREDENTIALS_PER_CALL) {
            throw DomainException.invalid(
                    "BAD_BATCH_SIZE",
                    "Send 1 to %d credentials per call; got %d.".formatted(MAX_CREDENTIALS_PER_CALL, count));
        }
        Set<String> seen = new HashSet<>();
        List<CandidateCredentials.Issued> issued = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            CandidateCredential credential = request.getCandidates(i);
            String number = entry(i, () -> Inputs.id(credential.getCandidateNumber(), "candidate_number"));
            if (!seen.add(number)) {
                throw DomainException.invalid(
                        "DUPLICATE_CANDIDATE",
                        "Entry %d: candidate %s appears twice in this call. Nothing was stored.".formatted(i, number));
            }
            if (!credential.getAccessCode().isEmpty()) {
                throw DomainException.invalid(
                        "CODE_NOT_ACCEPTED",
                        ("Entry %d (candidate %s): leave access_code empty; "
                                        + "the platform generates every code. Nothing was stored.")
                                .formatted(i, number));
            }
            issued.add(new CandidateCredentials.Issued(examId, number, AccessCodes.generate()));
        }
        candidates.store(issued);
        log.info("{} credentials for exam {} issued by university {}", count, examId, university.id());
        IssueCandidateCredentialsResponse.Builder reply =
                IssueCandidateCredentialsResponse.newBuilder().setStored(count);
        issued.forEach(credential -> reply.addCredentials(CandidateCredential.newBuilder()
                .setCandidateNumber(credential.candidateNumber())
                .setAccessCode(credential.accessCode())));
        Protos.reply(response, reply.build());
    }

    /** Checks one entry of a batch, naming it in the refusal. */
    private static String entry(int index, Supplier<String> check) {
        try {
            return check.get();
        } catch (DomainException refused) {
            throw new DomainException(
                    refused.kind(),
                    refused.reason(),
                    null,
                    "Entry %d: %s Nothing was stored.".formatted(index, refused.getMessage()));
        }
    }

    @Override
    public void getJwks(GetJwksRequest request, StreamObserver<Jwks> response) {
        var set = keys.publicKeys();
        Jwks.Builder jwks = Jwks.newBuilder().setJson(set.toString());
        set.getKeys().forEach(k -> jwks.addKeyIds(k.getKeyID()));
        Protos.reply(response, jwks.build());
    }

    @Override
    public void watchRevocations(WatchRevocationsRequest request, StreamObserver<RevocationUpdate> response) {
        revocationStreams.serve(request.getProof(), (ServerCallStreamObserver<RevocationUpdate>) response);
    }

    @Override
    public void clearSignInFailures(
            ClearSignInFailuresRequest request, StreamObserver<ClearSignInFailuresResponse> response) {
        Caller caller = Caller.current();
        if (caller.role() != Caller.Role.PROCTOR && caller.role() != Caller.Role.UNIVERSITY) {
            throw DomainException.forbidden(
                    "WRONG_ROLE", "Only a proctor or a university of the exam may clear failed sign-ins.");
        }
        String examId = Inputs.id(request.getExamId(), "exam_id");
        String number = Inputs.id(request.getCandidateNumber(), "candidate_number");
        caller.requireExam(examId);
        caller.requireAllSites("ask a proctor of every site or the university to clear a candidate's failed sign-ins");
        boolean cleared = throttle.clear(Identifiers.identity(number, examId));
        log.info(
                "Failed sign-ins of candidate {} of exam {} cleared by {} {}",
                number,
                examId,
                caller.role().label(),
                caller.id());
        Protos.reply(
                response,
                ClearSignInFailuresResponse.newBuilder().setCleared(cleared).build());
    }

    private static Tokens tokens(SignIns.Issued issued) {
        Tokens.Builder tokens = Tokens.newBuilder()
                .setAccessToken(issued.access().token())
                .setAccessExpiresAt(Protos.timestamp(issued.access().expiresAt()));
        if (issued.refresh() != null) {
            tokens.setRefreshToken(issued.refresh().token())
                    .setRefreshExpiresAt(Protos.timestamp(issued.refresh().expiresAt()));
        }
        return tokens.build();
    }

    /** Sign-ins still waiting for their turn are dropped: their callers get UNAVAILABLE as the server stops. */
    @Override
    public void close() {
        pacedSignIns.shutdownNow();
    }

    /** A code or a secret: present, and not longer than anything the platform hands out. */
    private static String secret(String value, String field) {
        if (value.isEmpty()) {
            throw DomainException.invalid(
                    "MISSING_" + field.toUpperCase(java.util.Locale.ROOT), "Send " + field + ": it is empty.");
        }
        if (value.length() > MAX_SECRET) {
            throw DomainException.invalid(
                    "TOO_LONG",
                    "%s is %d characters long; no code or secret Amphi issues is longer than %d."
                            .formatted(field, value.length(), MAX_SECRET));
        }
        return value;
    }
}
