package io.amphi.platform.db;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.Locale;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/** Tells a database that cannot be reached from a statement the database refused. */
public final class DatabaseFailures {

    private static final String CLOSED_BY_POOL = "Connection is closed";

    private DatabaseFailures() {}

    /**
     * Whether the failure is the database being out of reach (down, restarting, refusing
     * connections, no connection free in time), as opposed to a statement it refused.
     */
    public static boolean unreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CannotCreateTransactionException
                    || t instanceof DataAccessResourceFailureException
                    || t instanceof SQLTransientConnectionException
                    || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException) {
                return true;
            }
            // A rollback only fails on a connection that is gone: when the database dies during a commit,
            // Spring reports the failed rollback ("Connection is closed", no SQL state), not the commit.
            if (t instanceof TransactionSystemException && t.getCause() instanceof SQLException) {
                return true;
            }
            // Hikari closes a connection the database broke (its state said so once); a transaction
            // still holding it then gets this, with no state of its own.
            if (t instanceof SQLException sql && sql.getSQLState() == null && CLOSED_BY_POOL.equals(sql.getMessage())) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState().toUpperCase(Locale.ROOT);
                // Class 08: connection exceptions; 57P01-57P03: the server is shutting down or starting.
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
                    return true;
                }
            }
        }
        return false;
    }
}
