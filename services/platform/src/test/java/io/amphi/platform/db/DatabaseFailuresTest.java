package io.amphi.platform.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.TransactionSystemException;

class DatabaseFailuresTest {

    @Test
    void aRollbackThatFailsBecauseTheConnectionIsGoneIsTheDatabaseOutOfReach() {
        TransactionSystemException rollback =
                new TransactionSystemException("JDBC rollback failed", new SQLException("Connection is closed"));
        assertThat(DatabaseFailures.unreachable(rollback)).isTrue();
    }

    @Test
    void aQueryOnAConnectionThePoolClosedAfterTheDatabaseBrokeItIsTheDatabaseOutOfReach() {
        RuntimeException axon =
                new RuntimeException("Failed to create a SQL statement", new SQLException("Connection is closed"));
        assertThat(DatabaseFailures.unreachable(axon)).isTrue();
        assertThat(DatabaseFailures.unreachable(new SQLException("Connection is closed", "42000")))
                .isFalse();
    }

    @Test
    void connectionStatesAreOutOfReachAndRefusedStatementsAreNot() {
        assertThat(DatabaseFailures.unreachable(new SQLException("I/O error", "08006")))
                .isTrue();
        assertThat(DatabaseFailures.unreachable(new SQLException("shutting down", "57P01")))
                .isTrue();
        assertThat(DatabaseFailures.unreachable(new DataIntegrityViolationException(
                        "duplicate key", new SQLException("duplicate key", "23505"))))
                .isFalse();
        assertThat(DatabaseFailures.unreachable(new TransactionSystemException("no cause")))
                .isFalse();
    }
}
