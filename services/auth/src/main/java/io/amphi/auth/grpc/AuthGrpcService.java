package io.amphi.auth.grpc;

import io.amphi.auth.keys.SigningKeys;
import io.amphi.auth.keys.TokenIssuer;
import io.amphi.auth.store.CandidateCredentials;
import io.amphi.auth.store.RefreshTokens;
import io.amphi.auth.store.ServiceAccounts;
import io.amphi.auth.throttle.LoginThrottle;
import io.amphi.platform.cluster.Revocations;
import io.amphi.platform.domain.DomainException;
import io.amphi.platform.domain.Identifiers;
import io.amphi.platform.grpc.Caller;
import io.amphi.platform.grpc.PeerAddress;
import io.amphi.platform.grpc.Protos;
import io.amphi.proto.auth.v1.AuthServiceGrpc;
import io.amphi.proto.auth.v1.AuthenticateClientRequest;
import io.amphi.proto.auth.v1.CandidateCredential;
import io.amphi.proto.auth.v1.GetJwksRequest;
import io.amphi.proto.auth.v1.IssueCandidateCredentialsRequest;
import io.amphi.proto.auth.v1.IssueCandidateCredentialsResponse;
import io.amphi.proto.auth.v1.Jwks;
import io.amphi.proto.auth.v1.LoginCandidateRequest;
import io.amphi.proto.auth.v1.RefreshRequest;
import io.amphi.proto.auth.v1.RevokeRequest;
import io.amphi.proto.auth.v1.RevokeResponse;
import io.amphi.proto.auth.v1.Tokens;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sign-in and tokens over gRPC. */
public class AuthGrpcService extends AuthServiceGrpc.AuthServiceImplBase {

    private static final Logger log = LoggerFactory.getLogger(AuthGrpcService.class);

    static final String CANDIDATE = "candidate";
    /** The scope a university's account needs to issue candidates' credentials. */
    static final String EXAMS_WRITE = "exams:write";
    static final int MAX_CREDENTIALS_PER_CALL = 10_000;
    static final int MIN_ACCESS_CODE = 10;
    static final int MAX_ACCESS_CODE = 128;
    /** Service accounts' failures are throttled like a candidate's of this pseudo-exam. */
    private static final String SERVICE_ACCOUNTS = "service-accounts";

    private final CandidateCredentials candidates;
    private final TokenIssuer issuer;
    private final RefreshTokens refreshTokens;
    private final SigningKeys keys;
    private final LoginThrottle throttle;
    private final ServiceAccounts accounts;
    private final Revocations revocations;

    public AuthGrpcService(CandidateCredentials candidates, TokenIssuer issuer, RefreshTokens refreshTokens,
                           SigningKeys keys, LoginThrottle throttle, ServiceAccounts accounts, Revocations revocations) {
        this.candidates = candidates;
        this.issuer = issuer;
        this.refreshTokens = refreshTokens;
        this.keys = keys;
        this.throttle = throttle;
        this.accounts = accounts;
        this.revocations = revocations;
    }

    @Override
    public void loginCandidate(LoginCandidateRequest request, StreamObserver<Tokens> response) {
        if (request.getExamId().isBlank() || request.getCandidateNumber().isBlank() || request.getAccessCode().isEmpty()) {
            throw DomainException.invalid("MISSING_CREDENTIALS",
                    "Send the exam id, your candidate number and your access code.");
        }
        String source = PeerAddress.current();
        throttle.checkAllowed(request.getExamId(), request.getCandidateNumber(), source);
        requireNotRevoked(request.getCandidateNumber(), request.getExamId());
        if (!candidates.verify(request.getExamId(), request.getCandidateNumber(), request.getAccessCode())) {
            throttle.failed(request.getExamId(), request.getCandidateNumber(), source);
            throw Status.UNAUTHENTICATED.withDescription(
                    "This candidate number and access code do not open exam " + request.getExamId()
                            + ". Check both as your university issued them.").asRuntimeException();
        }
        throttle.succeeded(request.getExamId(), request.getCandidateNumber());
        Protos.reply(response, tokensFor(new RefreshTokens.Holder(request.getCandidateNumber(), CANDIDATE, request.getExamId())));
    }

    @Override
    public void authenticateClient(AuthenticateClientRequest request, StreamObserver<Tokens> response) {
        if (request.getClientId().isBlank() || request.getClientSecret().isEmpty()) {
            throw DomainException.invalid("MISSING_CREDENTIALS", "Send the client id and the client secret.");
        }
        String source = PeerAddress.current();
        throttle.checkAllowed(SERVICE_ACCOUNTS, request.getClientId(), source);
        ServiceAccounts.Account account = accounts.authenticate(request.getClientId(), request.getClientSecret())
                .orElseThrow(() -> {
                    throttle.failed(SERVICE_ACCOUNTS, request.getClientId(), source);
                    return Status.UNAUTHENTICATED.withDescription(
                            "This client id and secret do not match a service account.").asRuntimeException();
                });
        requireNotRevoked(account.clientId(), null);
        throttle.succeeded(SERVICE_ACCOUNTS, request.getClientId());
        TokenIssuer.AccessToken access = issuer.issue(account.clientId(), account.role(), null, account.scopes(),
                account.exams());
        Protos.reply(response, Tokens.newBuilder()
                .setAccessToken(access.token())
                .setAccessExpiresAt(Protos.timestamp(access.expiresAt()))
                .build());
    }

    @Override
    public void refresh(RefreshRequest request, StreamObserver<Tokens> response) {
        RefreshTokens.Holder holder = refreshTokens.spend(request.getRefreshToken()).orElseThrow(() ->
                Status.UNAUTHENTICATED.withDescription(
                        "This refresh token is unknown, expired or already used: sign in again.").asRuntimeException());
        Protos.reply(response, tokensFor(holder));
    }

    @Override
    public void revoke(RevokeRequest request, StreamObserver<RevokeResponse> response) {
        Caller caller = Caller.current();
        if (caller.role() != Caller.Role.PROCTOR && caller.role() != Caller.Role.UNIVERSITY) {
            throw DomainException.forbidden("WRONG_ROLE", "Only a proctor or a university may withdraw access.");
        }
        if (request.getSubject().isBlank() || request.getReason().isBlank()) {
            throw DomainException.invalid("MISSING_FIELDS", "Say whose access to withdraw, and why.");
        }
        String examId = request.getExamId().isBlank() ? null : request.getExamId();
        if (examId != null) {
            caller.requireExam(examId);
        } else if (!caller.exams().isEmpty()) {
            throw DomainException.forbidden("NOT_YOUR_EXAM", "Withdrawing a service account's access is for accounts "
                    + "that work on every exam; yours works on " + caller.exams() + ".");
        }
        revocations.revoke(Revocations.identity(request.getSubject(), examId));
        refreshTokens.endAll(request.getSubject(), examId);
        log.warn("Access of {} (exam {}) withdrawn by {} {}: {}", request.getSubject(), examId,
                caller.role(), caller.id(), request.getReason());
        Protos.reply(response, RevokeResponse.newBuilder()
                .setRevokedAt(Protos.timestamp(revocations.revokedAt(Revocations.identity(request.getSubject(), examId))
                        .orElseThrow()))
                .build());
    }

    private void requireNotRevoked(String subject, String examId) {
        revocations.revokedAt(Revocations.identity(subject, examId)).ifPresent(at -> {
            throw DomainException.forbidden("ACCESS_WITHDRAWN",
                    "Access was withdrawn at " + at + ": contact the exam's proctors.");
        });
    }

    @Override
    public void issueCandidateCredentials(IssueCandidateCredentialsRequest request,
                                          StreamObserver<IssueCandidateCredentialsResponse> response) {
        Caller university = Caller.require(Caller.Role.UNIVERSITY, EXAMS_WRITE);
        if (!Identifiers.valid(request.getExamId())) {
            throw DomainException.invalid("BAD_EXAM_ID",
                    "An exam id is 1 to 64 letters, digits, '.', '_' or '-'; got '" + request.getExamId() + "'.");
        }
        university.requireExam(request.getExamId());
        int count = request.getCandidatesCount();
        if (count == 0 || count > MAX_CREDENTIALS_PER_CALL) {
            throw DomainException.invalid("BAD_BATCH_SIZE",
                    "Send 1 to %d credentials per call; got %d.".formatted(MAX_CREDENTIALS_PER_CALL, count));
        }
        Set<String> seen = new HashSet<>();
        List<CandidateCredentials.Issued> issued = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            CandidateCredential credential = request.getCandidates(i);
            String number = credential.getCandidateNumber();
            if (!Identifiers.valid(number)) {
                throw DomainException.invalid("BAD_CANDIDATE_NUMBER", ("Entry %d: a candidate number is 1 to 64 letters, "
                        + "digits, '.', '_' or '-'; got '%s'. Nothing was stored.").formatted(i, number));
            }
            if (!seen.add(number)) {
                throw DomainException.invalid("DUPLICATE_CANDIDATE",
                        "Entry %d: candidate %s appears twice in this call. Nothing was stored.".formatted(i, number));
            }
            int length = credential.getAccessCode().length();
            if (length < MIN_ACCESS_CODE || length > MAX_ACCESS_CODE) {
                throw DomainException.invalid("WEAK_ACCESS_CODE", ("Entry %d (candidate %s): an access code is %d to %d "
                        + "random characters; this one has %d. Nothing was stored.")
                        .formatted(i, number, MIN_ACCESS_CODE, MAX_ACCESS_CODE, length));
            }
            issued.add(new CandidateCredentials.Issued(request.getExamId(), number, credential.getAccessCode()));
        }
        candidates.store(issued);
        log.info("{} credentials for exam {} issued by university {}", count, request.getExamId(), university.id());
        Protos.reply(response, IssueCandidateCredentialsResponse.newBuilder().setStored(count).build());
    }

    @Override
    public void getJwks(GetJwksRequest request, StreamObserver<Jwks> response) {
        var set = keys.publicKeys();
        Jwks.Builder jwks = Jwks.newBuilder().setJson(set.toString());
        set.getKeys().forEach(k -> jwks.addKeyIds(k.getKeyID()));
        Protos.reply(response, jwks.build());
    }

    private Tokens tokensFor(RefreshTokens.Holder holder) {
        TokenIssuer.AccessToken access = issuer.issue(holder.subject(), holder.role(), holder.examId(), Set.of(), Set.of());
        RefreshTokens.Issued refresh = refreshTokens.issue(holder);
        return Tokens.newBuilder()
                .setAccessToken(access.token())
                .setAccessExpiresAt(Protos.timestamp(access.expiresAt()))
                .setRefreshToken(refresh.token())
                .setRefreshExpiresAt(Protos.timestamp(refresh.expiresAt()))
                .build();
    }
}
