package io.amphi.platform.db;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The embedded PostgreSQL used when no {@code spring.datasource.url} is configured.
 *
 * @param dataDirectory where PostgreSQL keeps its files; reused across restarts, so sessions survive them
 * @param maxConnections PostgreSQL's max_connections
 * @param eventStore whether the service works on the event store, which is then migrated at start
 */
@ConfigurationProperties("amphi.embedded-postgres")
public record EmbeddedPostgresProperties(
        @DefaultValue(".amphi-data/postgres") Path dataDirectory,
        @DefaultValue("200") int maxConnections,
        @DefaultValue("false") boolean eventStore) {}
