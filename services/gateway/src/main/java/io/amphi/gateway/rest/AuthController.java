package io.amphi.gateway.rest;

import io.amphi.gateway.grpc.Calls;
import io.amphi.gateway.grpc.ServiceChannels;
import io.amphi.proto.auth.v1.AuthenticateClientRequest;
import io.amphi.proto.auth.v1.LoginCandidateRequest;
import io.amphi.proto.auth.v1.RefreshRequest;
import io.amphi.proto.auth.v1.Tokens;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.CookieValue;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Signing in. The access token is returned in the body, for the page to keep in memory; a
 * candidate's refresh token is set as a cookie the page's scripts cannot read ({@code HttpOnly}),
 * sent only over HTTPS ({@code Secure}; browsers count http://127.0.0.1 as secure), only by this
 * site ({@code SameSite=Strict}) and only to the refresh path.
 */
@RestController
@RequestMapping(path = "/api/v1/auth", produces = "application/json")
@Tag(name = "Sign-in", description = "Access tokens for candidates and service accounts")
public class AuthController {

    private static final Logger log = LoggerFactory.getLogger(AuthController.class);

    static final String REFRESH_COOKIE = "amphi_refresh";
    static final String REFRESH_PATH = "/api/v1/auth/refresh";
    /** What auth takes as a refresh token; a cookie that is not one is only removed. */
    private static final String REFRESH_TOKEN = "[A-Za-z0-9_-]{1,128}";

    private final ServiceChannels services;
    private final Calls calls;
    private final RequestCaller callers;

    public AuthController(ServiceChannels services, Calls calls, RequestCaller callers) {
        this.services = services;
        this.calls = calls;
        this.callers = callers;
    }

    @Schema(description = "A candidate's sign-in for one exam.")
    public record CandidateSignIn(
            @Schema(description = "The exam, e.g. demo-cardiology-2026.") @NotNull @Pattern(regexp = Ids.PATTERN)
            String examId,

            @Schema(description = "The candidate number the university issued.") @NotNull @Pattern(regexp = Ids.PATTERN)
            String candidateNumber,

            @Schema(description = "The access code issued with it, e.g. K7QM-3WXA-PR9E.")
            @NotNull
            @Size(min = 1, max = 128)
            String accessCode) {}

    @Schema(description = "A service account's sign-in (a proctor's console, a university's system, an auditor).")
    public record ClientSignIn(
            @Schema(description = "The account's client id.") @NotNull @Pattern(regexp = Ids.PATTERN)
            String clientId,

            @Schema(description = "Its secret.") @NotNull @Size(min = 1, max = 128)
            String clientSecret) {}

    @Schema(description = "An access token: send it as 'Authorization: Bearer <accessToken>'.")
    public record AccessToken(
            @Schema(description = "The access token (a JWT signed with ES256).")
            String accessToken,

            @Schema(description = "When it expires; refresh a little before.")
            Instant expiresAt,

            @Schema(description = "When the refresh cookie expires; absent for service accounts, which sign in again.")
            Instant refreshExpiresAt) {}

    @Operation(
            summary = "A candidate signs in",
            description =
                    "Returns an access token and sets the refresh cookie. 401 BAD_CREDENTIALS when the number or the "
                            + "code is wrong (the same answer for both); 429 SIGN_IN_LOCKED or SIGN_IN_BUSY with Retry-After when "
                            + "failed attempts must be spaced out.")
    @PostMapping("/candidate")
    public ResponseEntity<AccessToken> signInCandidate(
            @Valid @RequestBody CandidateSignIn body, HttpServletRequest request) {
        Tokens tokens = calls.once(
                services.auth(),
                callers.anonymous(request),
                auth -> auth.loginCandidate(LoginCandidateRequest.newBuilder()
                        .setExamId(body.examId())
                        .setCandidateNumber(body.candidateNumber())
                        .setAccessCode(body.accessCode())
                        .build()));
        return withRefreshCookie(tokens);
    }

    @Operation(
            summary = "A service account signs in",
            description =
                    "Returns an access token carrying the account's role and scopes; no refresh cookie. 401 for an "
                            + "unknown id or a wrong secret (the same answer for both).")
    @PostMapping("/client")
    public AccessToken signInClient(@Valid @RequestBody ClientSignIn body, HttpServletRequest request) {
        Tokens tokens = calls.once(
                services.auth(),
                callers.anonymous(request),
                auth -> auth.authenticateClient(AuthenticateClientRequest.newBuilder()
                        .setClientId(body.clientId())
                        .setClientSecret(body.clientSecret())
                        .build()));
        return new AccessToken(tokens.getAccessToken(), Views.instant(tokens.getAccessExpiresAt()), null);
    }

    @Operation(
            summary = "New tokens from the refresh cookie",
            description =
                    "The cookie works once and is replaced. 401 when it is missing, expired or already used (a used "
                            + "one presented again ends every refresh token of that candidate: sign in again).")
    @PostMapping("/refresh")
    public ResponseEntity<AccessToken> refresh(
            @CookieValue(name = REFRESH_COOKIE, required = false) String refreshToken, HttpServletRequest request) {
        if (refreshToken == null || refreshToken.isEmpty() || refreshToken.length() > 128) {
            throw new ApiException(
                    HttpStatus.UNAUTHORIZED,
                    "NO_REFRESH_TOKEN",
                    "There is no refresh cookie for this browser (signed out, or it expired): sign in again.",
                    List.of());
        }
        Tokens tokens = calls.once(
                services.auth(),
                callers.anonymous(request),
                auth -> auth.refresh(RefreshRequest.newBuilder()
                        .setRefreshToken(refreshToken)
                        .build()));
        return withRefreshCookie(tokens);
    }

    @Operation(
            summary = "Signs this browser out",
            description =
                    "Ends the refresh token on the server (a copy of the "
                            + "cookie can no longer be used; presenting it later ends every refresh token of the identity) and removes the "
                            + "cookie. The access token in the page stays valid until it expires (minutes); the page forgets it.")
    @DeleteMapping("/refresh")
    public ResponseEntity<Void> signOut(
            @CookieValue(name = REFRESH_COOKIE, required = false) String refreshToken, HttpServletRequest request) {
        if (refreshToken != null && refreshToken.matches(REFRESH_TOKEN)) {
            try {
                calls.idempotent(
                        services.auth(),
                        callers.anonymous(request),
                        auth -> auth.signOut(RefreshRequest.newBuilder()
                                .setRefreshToken(refreshToken)
                                .build()));
            } catch (RuntimeException e) {
                // The cookie goes all the same: a shared computer must not keep a way back in. The token
                // itself ends when it expires, or as a stolen copy if presented.
                log.warn("Could not end a refresh token at sign-out: {}", e.toString());
            }
        }
        return ResponseEntity.noContent()
                .header(HttpHeaders.SET_COOKIE, refreshCookie("", Duration.ZERO).toString())
                .build();
    }

    private static ResponseEntity<AccessToken> withRefreshCookie(Tokens tokens) {
        Instant refreshExpires = tokens.hasRefreshExpiresAt() ? Views.instant(tokens.getRefreshExpiresAt()) : null;
        AccessToken body =
                new AccessToken(tokens.getAccessToken(), Views.instant(tokens.getAccessExpiresAt()), refreshExpires);
        if (tokens.getRefreshToken().isEmpty() || refreshExpires == null) {
            return ResponseEntity.ok(body);
        }
        Duration maxAge = Duration.between(Instant.now(), refreshExpires);
        return ResponseEntity.ok()
                .header(
                        HttpHeaders.SET_COOKIE,
                        refreshCookie(tokens.getRefreshToken(), maxAge.isNegative() ? Duration.ZERO : maxAge)
                                .toString())
                .body(body);
    }

    private static ResponseCookie refreshCookie(String value, Duration maxAge) {
        return ResponseCookie.from(REFRESH_COOKIE, value)
                .httpOnly(true)
                .secure(true)
                .sameSite("Strict")
                .path(REFRESH_PATH)
                .maxAge(maxAge)
                .build();
    }
}
