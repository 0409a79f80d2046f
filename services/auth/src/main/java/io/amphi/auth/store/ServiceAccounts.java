package io.amphi.auth.store;

import io.amphi.auth.domain.AccessCodeHasher;
import io.amphi.auth.domain.RandomSecrets;
import io.amphi.platform.domain.Identifiers;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.JdbcTemplate;

/** Service accounts and their hashed secrets. A secret is shown once, when the account is made. */
public class ServiceAccounts {

    /**
     * What an account may do.
     *
     * @param exams the exams it works on; empty for every exam
     * @param sites the sites a proctor watches; empty for every site of its exams
     */
    public record Account(String clientId, String role, Set<String> scopes, Set<String> exams, Set<String> sites) {}

    /** A new account and its secret, to hand over once. */
    public record Created(Account account, String secret) {}

    private static final Set<String> ROLES = Set.of("proctor", "university", "auditor", "platform-operator");
    private static final Pattern SCOPE = Pattern.compile("[a-z]+:[a-z]+");

    private final JdbcTemplate jdbc;
    private final AccessCodeHasher hasher;
    private final Clock clock;
    /** Checked against for an unknown client id, so it costs the same work as a wrong secret. */
    private final String unknownAccount;

    public ServiceAccounts(JdbcTemplate jdbc, AccessCodeHasher hasher, Clock clock) {
        this.jdbc = jdbc;
        this.hasher = hasher;
        this.clock = clock;
        this.unknownAccount = hasher.hash(RandomSecrets.next());
    }

    /**
     * Makes an account with a fresh random secret.
     *
     * @param exams the exams it works on; empty for every exam
     */
    public Created create(String clientId, String role, Set<String> scopes, Set<String> exams) {
        return create(clientId, role, scopes, exams, Set.of());
    }

    /**
     * Makes an account with a fresh random secret.
     *
     * @param exams the exams it works on; empty for every exam
     * @param sites the sites a proctor watches; empty for every site of its exams
     */
    public Created create(String clientId, String role, Set<String> scopes, Set<String> exams, Set<String> sites) {
        if (!Identifiers.valid(clientId)) {
            throw new IllegalArgumentException(
                    "A client id is 1 to 64 letters, digits, '.', '_' or '-', not " + clientId);
        }
        if (!ROLES.contains(role)) {
            throw new IllegalArgumentException("A service account is a proctor, a university, an auditor or a "
                    + "platform-operator, not " + role);
        }
        scopes.forEach(scope -> {
            if (!SCOPE.matcher(scope).matches()) {
                throw new IllegalArgumentException("A scope looks like 'results:read', not " + scope);
            }
        });
        exams.forEach(exam -> {
            if (!Identifiers.valid(exam)) {
                throw new IllegalArgumentException(
                        "An exam id is 1 to 64 letters, digits, '.', '_' or '-', not " + exam);
            }
        });
        sites.forEach(site -> {
            if (!Identifiers.valid(site)) {
                throw new IllegalArgumentException(
                        "A site id is 1 to 64 letters, digits, '.', '_' or '-', not " + site);
            }
        });
        if (!sites.isEmpty() && (!role.equals("proctor") || exams.isEmpty())) {
            throw new IllegalArgumentException("Only a proctor's account bound to exams is bound to sites, not a "
                    + role + "'s" + (exams.isEmpty() ? " of every exam" : ""));
        }
        String secret = RandomSecrets.next();
        jdbc.update(
                """
                INSERT INTO auth_service_account (client_id, secret_hash, role, scopes, exams, sites, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)""",
                clientId,
                hasher.hash(secret),
                role,
                String.join(" ", scopes.stream().sorted().toList()),
                String.join(" ", exams.stream().sorted().toList()),
                String.join(" ", sites.stream().sorted().toList()),
                Timestamp.from(clock.instant()));
        return new Created(
                new Account(clientId, role, Set.copyOf(scopes), Set.copyOf(exams), Set.copyOf(sites)), secret);
    }

    /** The account, if the secret is its own. */
    public Optional<Account> authenticate(String clientId, String secret) {
        List<String[]> rows = jdbc.query(
                "SELECT secret_hash, role, scopes, exams, sites FROM auth_service_account WHERE client_id = ?",
                (rs, row) -> new String[] {
                    rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)
                },
                clientId);
        Optional<String[]> row = rows.stream().findFirst();
        boolean matches = hasher.matches(secret, row.map(known -> known[0]).orElse(unknownAccount));
        return row.filter(known -> matches)
                .map(known -> new Account(clientId, known[1], words(known[2]), words(known[3]), words(known[4])));
    }

    private static Set<String> words(String spaceSeparated) {
        return spaceSeparated.isBlank() ? Set.of() : Set.of(spaceSeparated.split(" "));
    }
}
