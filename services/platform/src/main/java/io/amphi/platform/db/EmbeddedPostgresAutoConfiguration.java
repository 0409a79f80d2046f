package io.amphi.platform.db;

import com.zaxxer.hikari.HikariDataSource;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A real PostgreSQL server, started from binaries shipped on Maven Central, for local runs and
 * tests ({@link EmbeddedPostgresServer}: supervised, and never blocked by an orphan of a killed
 * run). It is used only when {@code spring.datasource.url} is not set; otherwise Spring Boot
 * connects to the configured (external) PostgreSQL as usual. Commits are durable (fsync and
 * synchronous_commit on): an acknowledged answer is on disk.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnProperty(name = "spring.datasource.url", matchIfMissing = true, havingValue = "__never__")
@EnableConfigurationProperties(EmbeddedPostgresProperties.class)
public class EmbeddedPostgresAutoConfiguration {

    @Bean(destroyMethod = "close")
    EmbeddedPostgresServer embeddedPostgres(EmbeddedPostgresProperties properties) {
        return EmbeddedPostgresServer.start(
                properties.dataDirectory(),
                List.of(
                        // The embedded server's library turns synchronous_commit off by default; an
                        // acknowledged answer must be on disk, so it is switched back on here.
                        new String[] {"synchronous_commit", "on"},
                        new String[] {"fsync", "on"},
                        new String[] {"max_connections", Integer.toString(properties.maxConnections())},
                        new String[] {"listen_addresses", "127.0.0.1"}));
    }

    /**
     * The service's connections, as its own role ({@code spring.datasource.username}), never as
     * the server's superuser: the database refuses this service what a deployment's would. The
     * superuser only lays out the roles and schemas first (upgrading a database from the layout
     * before schemas, as {@code upgrade-layout} does in a deployment) and, for services on the
     * event store, migrates it as its owner, as a deployment's migration job does.
     */
    @Bean
    @ConfigurationProperties("spring.datasource.hikari")
    DataSource dataSource(
            EmbeddedPostgresServer postgres,
            EmbeddedPostgresProperties properties,
            @Value("${spring.datasource.username}") String role) {
        DataSource superuser = new DriverManagerDataSource(postgres.jdbcUrl("postgres"), "postgres", "");
        LegacyLayoutUpgrade.upgradeIfLegacy(superuser);
        DatabaseLayout.prepare(superuser);
        if (properties.eventStore()) {
            DatabaseLayout.migrateEventStore(superuser, DatabaseLayout.EVENT_STORE_OWNER);
        }
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(postgres.jdbcUrl("postgres"));
        dataSource.setUsername(role);
        return dataSource;
    }
}
