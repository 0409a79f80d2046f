package io.amphi.platform.db;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * A real PostgreSQL server, started from binaries shipped on Maven Central, for local runs and
 * tests. It is used only when {@code spring.datasource.url} is not set; otherwise Spring Boot
 * connects to the configured (external) PostgreSQL as usual. Commits are durable (fsync and
 * synchronous_commit on): an acknowledged answer is on disk.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnProperty(name = "spring.datasource.url", matchIfMissing = true, havingValue = "__never__")
@EnableConfigurationProperties(EmbeddedPostgresProperties.class)
public class EmbeddedPostgresAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresAutoConfiguration.class);

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(EmbeddedPostgresProperties properties) {
        try {
            Files.createDirectories(properties.dataDirectory());
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(properties.dataDirectory().toAbsolutePath())
                    .setCleanDataDirectory(false)
                    // Spring stops it, after everything that uses the database has stopped; its own
                    // JVM hook would stop it at the same time as the application.
                    .setRegisterShutdownHook(false)
                    // The embedded server's library turns synchronous_commit off by default; an
                    // acknowledged answer must be on disk, so it is switched back on here.
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("fsync", "on")
                    .setServerConfig("max_connections", Integer.toString(properties.maxConnections()))
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .start();
            log.info("Embedded PostgreSQL on port {} with data in {}", postgres.getPort(),
                    properties.dataDirectory().toAbsolutePath());
            return postgres;
        } catch (IOException | IllegalStateException e) {
            throw new IllegalStateException("Cannot start the embedded PostgreSQL in "
                    + properties.dataDirectory().toAbsolutePath()
                    + ": is another Amphi running on that folder? (" + e.getMessage() + ")", e);
        }
    }

    @Bean
    @ConfigurationProperties("spring.datasource.hikari")
    DataSource dataSource(EmbeddedPostgres postgres) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        dataSource.setUsername("postgres");
        return dataSource;
    }
}
