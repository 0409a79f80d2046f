package io.amphi.auth.signin;

import io.amphi.auth.keys.TokenIssuer;
import io.amphi.auth.revocation.DurableRevocations;
import io.amphi.auth.store.CandidateCredentials;
import io.amphi.auth.store.RefreshTokens;
import io.amphi.auth.store.ServiceAccounts;
import io.amphi.platform.cluster.LoginThrottle;
import io.amphi.platform.domain.DomainException;
import io.amphi.platform.domain.Identifiers;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * The rules of signing in, whatever the transport: credentials checked, failures and successes
 * counted per account and per source (the throttle paces the next attempts), withdrawn access
 * refused, tokens issued. A candidate gets a refresh token; a service account does not.
 */
public class SignIns {

    static final String CANDIDATE = "candidate";

    /** Tokens a sign-in or a refresh hands out; {@code refresh} is null for a service account. */
    public record Issued(TokenIssuer.AccessToken access, RefreshTokens.Issued refresh) {}

    private final CandidateCredentials candidates;
    private final ServiceAccounts accounts;
    private final TokenIssuer issuer;
    private final RefreshTokens refreshTokens;
    private final LoginThrottle throttle;
    private final DurableRevocations revocations;

    public SignIns(
            CandidateCredentials candidates,
            ServiceAccounts accounts,
            TokenIssuer issuer,
            RefreshTokens refreshTokens,
            LoginThrottle throttle,
            DurableRevocations revocations) {
        this.candidates = candidates;
        this.accounts = accounts;
        this.issuer = issuer;
        this.refreshTokens = refreshTokens;
        this.throttle = throttle;
        this.revocations = revocations;
    }

    /** The account a candidate signs in as, as the throttle and revocations name it. */
    public static String candidateAccount(String examId, String candidateNumber) {
        return Identifiers.identity(candidateNumber, examId);
    }

    /** The account a service account signs in as. */
    public static String clientAccount(String clientId) {
        return Identifiers.identity(clientId, null);
    }

    /** How long this attempt must wait for its turn (zero: at once). */
    public Duration admit(String account, String source) {
        return throttle.admit(account, source);
    }

    /** A candidate signs in with the access code the university issued. */
    public Issued candidate(String examId, String candidateNumber, String accessCode, String source) {
        String account = candidateAccount(examId, candidateNumber);
        if (!candidates.verify(examId, candidateNumber, accessCode)) {
            throttle.failed(account, source);
            throw DomainException.unauthenticated(
                    "BAD_CREDENTIALS",
                    "This candidate number and access code do not open exam " + examId
                            + ". Check both as your university issued them.");
        }
        requireNotRevoked(candidateNumber, examId);
        throttle.succeeded(account, source);
        return tokensFor(new RefreshTokens.Holder(candidateNumber, CANDIDATE, examId));
    }

    /** A university, proctor or auditor signs in with its client id and secret. */
    public Issued client(String clientId, String secret, String source) {
        String account = clientAccount(clientId);
        ServiceAccounts.Account known = accounts.authenticate(clientId, secret).orElseThrow(() -> {
            throttle.failed(account, source);
            return DomainException.unauthenticated(
                    "BAD_CREDENTIALS", "This client id and secret do not match a service account.");
        });
        requireNotRevoked(known.clientId(), null);
        throttle.succeeded(account, source);
        TokenIssuer.AccessToken access =
                issuer.issue(known.clientId(), known.role(), null, known.scopes(), known.exams(), known.sites());
        requireNotRevoked(known.clientId(), null);
        return new Issued(access, null);
    }

    /** A refresh token is spent once, for new tokens. */
    public Issued refresh(String refreshToken) {
        RefreshTokens.Holder holder = refreshTokens
                .spend(refreshToken)
                .orElseThrow(() -> DomainException.unauthenticated(
                        "REFRESH_TOKEN_SPENT",
                        "This refresh token is unknown, expired or already used: sign in again."));
        return tokensFor(holder);
    }

    /** Ends a refresh token; an unknown one is already ended. */
    public void signOut(String refreshToken) {
        refreshTokens.end(refreshToken);
    }

    /** A refusal for an identity whose access was withdrawn. */
    public static DomainException accessWithdrawn(Instant at) {
        return DomainException.forbidden(
                "ACCESS_WITHDRAWN", "Access was withdrawn at " + at + ": contact the exam's proctors.");
    }

    /**
     * New tokens for a candidate. A withdrawal committed while they were made is caught by the
     * check after the refresh token is stored: its end of refresh tokens then covers this one too,
     * or this check sees it.
     */
    private Issued tokensFor(RefreshTokens.Holder holder) {
        TokenIssuer.AccessToken access =
                issuer.issue(holder.subject(), holder.role(), holder.examId(), Set.of(), Set.of(), Set.of());
        RefreshTokens.Issued refresh = refreshTokens.issue(holder);
        Optional<Instant> withdrawn = revocations.withdrawnAt(holder.subject(), holder.examId());
        if (withdrawn.isPresent()) {
            refreshTokens.endAll(holder.subject(), holder.examId());
            throw accessWithdrawn(withdrawn.get());
        }
        return new Issued(access, refresh);
    }

    private void requireNotRevoked(String subject, String examId) {
        revocations.withdrawnAt(subject, examId).ifPresent(at -> {
            throw accessWithdrawn(at);
        });
    }
}
