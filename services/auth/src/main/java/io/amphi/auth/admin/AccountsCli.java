package io.amphi.auth.admin;

import io.amphi.auth.domain.AccessCodeHasher;
import io.amphi.auth.store.ServiceAccounts;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * The administrators' way to create service accounts: straight in the auth service's database, so
 * whoever may change that database (and only they) hands out accounts; there is no RPC that could
 * be abused to mint one. The secret is printed once and only its hash is stored.
 */
@Command(
        name = "amphi-accounts",
        mixinStandardHelpOptions = true,
        version = "amphi-accounts 0.1.0",
        description =
                "Creates and lists the service accounts of universities, proctors, auditors and platform operators.",
        subcommands = {AccountsCli.Create.class, AccountsCli.ListAccounts.class})
public final class AccountsCli {

    static final int DONE = 0;
    static final int FAILURE = 2;

    final PrintStream out;

    AccountsCli(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    /** Runs one command line; the exit code is returned, not passed to the JVM. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        CommandLine commandLine = new CommandLine(new AccountsCli(out));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            err.println("amphi-accounts: "
                    + switch (e) {
                        case DuplicateKeyException duplicate -> "that client id is taken: choose another one.";
                        case DataAccessException database ->
                            "cannot use the auth database: "
                                    + database.getMostSpecificCause().getMessage();
                        default -> e.getMessage();
                    });
            return FAILURE;
        });
        return commandLine.execute(args);
    }

    /** Where the auth service's database is. */
    static final class Database {
        @Option(names = "--db", required = true, description = "JDBC URL of the auth service's database.")
        String url;

        @Option(
                names = "--user",
                defaultValue = "amphi_auth",
                description = "Database user (default: ${DEFAULT-VALUE}).")
        String user;

        @Option(
                names = "--password",
                defaultValue = "${env:AMPHI_AUTH_DB_PASSWORD}",
                description = "Database password (default: $AMPHI_AUTH_DB_PASSWORD).")
        String password;

        JdbcTemplate jdbc() {
            DriverManagerDataSource dataSource =
                    new DriverManagerDataSource(url, user, password == null ? "" : password);
            Properties connection = new Properties();
            connection.setProperty("currentSchema", "auth");
            dataSource.setConnectionProperties(connection);
            JdbcTemplate jdbc = new JdbcTemplate(dataSource);
            Boolean exists =
                    jdbc.queryForObject("SELECT to_regclass('auth_service_account') IS NOT NULL", Boolean.class);
            if (!Boolean.TRUE.equals(exists)) {
                throw new IllegalArgumentException(
                        "This database has no auth schema: start the auth service on it once.");
            }
            return jdbc;
        }
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Creates an account and prints its secret once.")
    static final class Create implements Callable<Integer> {

        @ParentCommand
        AccountsCli cli;

        @Mixin
        Database database;

        @Option(names = "--client-id", required = true, description = "The account's id, e.g. univ-paris-cite.")
        String clientId;

        @Option(names = "--role", required = true, description = "university, proctor, auditor or platform-operator.")
        String role;

        @Option(names = "--scope", description = "A scope, e.g. exams:write or results:read; repeatable.")
        List<String> scopes = List.of();

        @Option(names = "--exam", description = "An exam the account works on; repeatable. None: every exam.")
        List<String> exams = List.of();

        @Option(names = "--site", description = "A site a proctor watches; repeatable. None: every site of its exams.")
        List<String> sites = List.of();

        @Option(
                names = "--hash-iterations",
                defaultValue = "20000",
                description = "PBKDF2 iterations for the secret's hash (default: ${DEFAULT-VALUE}).")
        int iterations;

        @Override
        public Integer call() {
            if (clientId.isBlank() || clientId.length() > 64) {
                throw new IllegalArgumentException("A client id is 1 to 64 characters.");
            }
            ServiceAccounts accounts =
                    new ServiceAccounts(database.jdbc(), new AccessCodeHasher(iterations), Clock.systemUTC());
            ServiceAccounts.Created created =
                    accounts.create(clientId, role, Set.copyOf(scopes), Set.copyOf(exams), Set.copyOf(sites));
            cli.out.printf(
                    """
                    Service account created.
                      client id  %s
                      role       %s
                      scopes     %s
                      exams      %s
                      sites      %s
                      secret     %s
                    The secret is shown this once and stored only as a hash: hand it over now.
                    """,
                    clientId,
                    role,
                    scopes.isEmpty() ? "none" : String.join(" ", scopes),
                    exams.isEmpty() ? "every exam" : String.join(" ", exams),
                    sites.isEmpty() ? "every site" : String.join(" ", sites),
                    created.secret());
            return DONE;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the accounts (never their secrets).")
    static final class ListAccounts implements Callable<Integer> {

        @ParentCommand
        AccountsCli cli;

        @Mixin
        Database database;

        @Override
        public Integer call() {
            cli.out.printf("%-32s %-11s %-28s %-24s %s%n", "CLIENT ID", "ROLE", "SCOPES", "EXAMS", "SITES");
            database.jdbc()
                    .query(
                            "SELECT client_id, role, scopes, exams, sites FROM auth_service_account ORDER BY client_id",
                            rs -> {
                                cli.out.printf(
                                        "%-32s %-11s %-28s %-24s %s%n",
                                        rs.getString(1),
                                        rs.getString(2),
                                        rs.getString(3),
                                        rs.getString(4).isBlank() ? "every exam" : rs.getString(4),
                                        rs.getString(5).isBlank() ? "every site" : rs.getString(5));
                            });
            return DONE;
        }
    }
}
