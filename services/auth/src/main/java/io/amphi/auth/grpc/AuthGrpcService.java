package io.amphi.auth.grpc;

import com.google.protobuf.Empty;
import io.amphi.auth.domain.AccessCodes;
import io.amphi.auth.keys.SigningKeys;
import io.amphi.auth.keys.TokenIssuer;
import io.amphi.auth.revocation.DurableRevocations;
import io.amphi.auth.store.CandidateCredentials;
import io.amphi.auth.store.RefreshTokens;
import io.amphi.auth.store.ServiceAccounts;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
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

    static final String CANDIDATE = "candidate";
    /** The scope a university's account needs to issue candidates' credentials. */
    static final String EXAMS_WRITE = "exams:write";

    static final int MAX_CREDENTIALS_PER_CALL = 10_000;
    /** Longer than any code or secret the platform hands out; a longer one is not hashed. */
    static final int MAX_SECRET = 128;
    /** A refresh token is 43 characters of URL-safe base64. */
    private static final Pattern REFRESH_TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private final CandidateCredentials candidates;
    private final TokenIssuer issuer;
    private final RefreshTokens refreshTokens;
    private final SigningKeys keys;
    private final LoginThrottle throttle;
    private final ServiceAccounts accounts;
    private final DurableRevocations revocations;
    private final RevocationStreams revocationStreams;
    /** Where a paced sign-in waits for its turn, without holding a gRPC thread. */
    private final ExecutorService pacedSignIns = Executors.newVirtualThreadPerTaskExecutor();

    public AuthGrpcService(
            CandidateCredentials candidates,
            TokenIssuer issuer,
            RefreshTokens refreshTokens,
            SigningKeys keys,
            LoginThrottle throttle,
            ServiceAccounts accounts,
            DurableRevocations revocations,
            RevocationStreams revocationStreams) {
        this.candidates = candidates;
        this.issuer = issuer;
        this.refreshTokens = refreshTokens;
        this.keys = keys;
        this.throttle = throttle;
        this.accounts = accounts;
        this.revocations = revocations;
        this.revocationStreams = revocationStreams;
    }

    @Override
    public void loginCandidate(LoginCandidateRequest request, StreamObserver<Tokens> response) {
        String examId = Inputs.id(request.getExamId(), "exam_id");
        String number = Inputs.id(request.getCandidateNumber(), "candidate_number");
        String accessCode = AccessCodes.normalised(secret(request.getAccessCode(), "access_code"));
        String source = PeerAddress.current();
        String account = Identifiers.identity(number, examId);
        whenAdmitted(account, source, response, () -> {
            if (!candidates.verify(examId, number, accessCode)) {
                throttle.failed(account, source);
                throw DomainException.unauthenticated(
                        "BAD_CREDENTIALS",
                        "This candidate number and access code do not " + "open exam " + examId
                                + ". Check both as your university issued them.");
            }
            requireNotRevoked(number, examId);
            throttle.succeeded(account, source);
            return tokensFor(new RefreshTokens.Holder(number, CANDIDATE, examId));
        });
    }

    @Override
    public void authenticateClient(AuthenticateClientRequest request, StreamObserver<Tokens> response) {
        String clientId = Inputs.id(request.getClientId(), "client_id");
        String secret = secret(request.getClientSecret(), "client_secret");
        String source = PeerAddress.current();
        String account = Identifiers.identity(clientId, null);
        whenAdmitted(account, source, response, () -> {
            ServiceAccounts.Account known = accounts.authenticate(clientId, secret)
                    .orElseThrow(() -> {
                        throttle.failed(account, source);
                        return DomainException.unauthenticated(
                                "BAD_CREDENTIALS", "This client id and secret do not match a service account.");
                    });
            requireNotRevoked(known.clientId(), null);
            throttle.succeeded(account, source);
            TokenIssuer.AccessToken access =
                    issuer.issue(known.clientId(), known.role(), null, known.scopes(), known.exams(), known.sites());
            requireNotRevoked(known.clientId(), null);
            return Tokens.newBuilder()
                    .setAccessToken(access.token())
                    .setAccessExpiresAt(Protos.timestamp(access.expiresAt()))
                    .build();
        });
    }

    /**
     * Runs a sign-in once the throttle admits it: at once, or on its turn when attempts are being
     * spaced out, without holding a gRPC thread while it waits.
     */
    private <T> void whenAdmitted(String account, String source, StreamObserver<T> response, Supplier<T> signIn) {
        Duration wait = throttle.admit(account, source);
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
        RefreshTokens.Holder holder = refreshTokens
                .spend(refreshToken(request))
                .orElseThrow(() -> DomainException.unauthenticated(
                        "REFRESH_TOKEN_SPENT",
                        "This refresh token is unknown, expired or already used: sign in again."));
        Protos.reply(response, tokensFor(holder));
    }

    @Override
    public void signOut(RefreshRequest request, StreamObserver<Empty> response) {
        refreshTokens.end(refreshToken(request));
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

    private void requireNotRevoked(String subject, String examId) {
        revocations.withdrawnAt(subject, examId).ifPresent(at -> {
            throw accessWithdrawn(at);
        });
    }

    private static DomainException accessWithdrawn(Instant at) {
        return DomainException.forbidden(
                "ACCESS_WITHDRAWN", "Access was withdrawn at " + at + ": contact the exam's proctors.");
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

    /**
     * New tokens for a candidate. A withdrawal committed while they were made is caught by the
     * check after the refresh token is stored: its end of refresh tokens then covers this one too,
     * or this check sees it.
     */
    private Tokens tokensFor(RefreshTokens.Holder holder) {
        TokenIssuer.AccessToken access =
                issuer.issue(holder.subject(), holder.role(), holder.examId(), Set.of(), Set.of(), Set.of());
        RefreshTokens.Issued refresh = refreshTokens.issue(holder);
        Optional<Instant> withdrawn = revocations.withdrawnAt(holder.subject(), holder.examId());
        if (withdrawn.isPresent()) {
            refreshTokens.endAll(holder.subject(), holder.examId());
            throw accessWithdrawn(withdrawn.get());
        }
        return Tokens.newBuilder()
                .setAccessToken(access.token())
                .setAccessExpiresAt(Protos.timestamp(access.expiresAt()))
                .setRefreshToken(refresh.token())
                .setRefreshExpiresAt(Protos.timestamp(refresh.expiresAt()))
                .build();
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
