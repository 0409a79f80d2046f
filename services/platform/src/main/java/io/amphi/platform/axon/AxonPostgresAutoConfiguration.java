package io.amphi.platform.axon;

import com.fasterxml.jackson.databind.Module;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.amphi.platform.db.DatabaseLayout;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.CommandBusSpanFactory;
import org.axonframework.commandhandling.DuplicateCommandHandlerResolver;
import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.common.jdbc.UnitOfWorkAwareConnectionProviderWrapper;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.Configuration;
import org.axonframework.eventhandling.EventBusSpanFactory;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.TokenSchema;
import org.axonframework.eventsourcing.SnapshotterSpanFactory;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.messaging.annotation.HandlerDefinition;
import org.axonframework.messaging.annotation.ParameterResolverFactory;
import org.axonframework.messaging.interceptors.CorrelationDataInterceptor;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.spring.eventsourcing.SpringAggregateSnapshotter;
import org.axonframework.spring.jdbc.SpringDataSourceConnectionProvider;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Axon on PostgreSQL through the JDBC storage engine: events, snapshots and tracking tokens are
 * {@code bytea} columns (never large objects), and every serializer is Jackson so records
 * round-trip. Events go to the shared event store ({@link DatabaseLayout#EVENT_TABLE}, migrated
 * from {@code db/event-store}); snapshots and tokens to the service's own schema, found through
 * its search path (each service's migrations create them).
 */
@AutoConfiguration(
        beforeName = {
            "org.axonframework.springboot.autoconfig.AxonAutoConfiguration",
            "org.axonframework.springboot.autoconfig.JdbcAutoConfiguration",
            "org.axonframework.springboot.autoconfig.TransactionAutoConfiguration"
        })
public class AxonPostgresAutoConfiguration {

    /** Table and column names of the event store and of a service's snapshots. */
    public static final EventSchema EVENT_SCHEMA = EventSchema.builder()
            .eventTable(DatabaseLayout.EVENT_TABLE)
            .snapshotTable("snapshot_event_entry")
            .globalIndexColumn("global_index")
            .timestampColumn("time_stamp")
            .eventIdentifierColumn("event_identifier")
            .aggregateIdentifierColumn("aggregate_identifier")
            .sequenceNumberColumn("sequence_number")
            .typeColumn("type")
            .payloadTypeColumn("payload_type")
            .payloadRevisionColumn("payload_revision")
            .payloadColumn("payload")
            .metaDataColumn("meta_data")
            .build();

    private static final TokenSchema TOKEN_SCHEMA = TokenSchema.builder()
            .setTokenTable("token_entry")
            .setProcessorNameColumn("processor_name")
            .setSegmentColumn("segment")
            .setTokenColumn("token")
            .setTokenTypeColumn("token_type")
            .setTimestampColumn("time_stamp")
            .setOwnerColumn("owner")
            .build();

    @Bean
    TransactionManager axonTransactionManager(PlatformTransactionManager transactionManager) {
        return new SpringTransactionManager(transactionManager);
    }

    @Bean
    ConnectionProvider axonConnectionProvider(DataSource dataSource) {
        return new UnitOfWorkAwareConnectionProviderWrapper(new SpringDataSourceConnectionProvider(dataSource));
    }

    /**
     * Axon's command bus, as its auto-configuration builds it, but running commands without a
     * database transaction of their own: their events are committed by group commit, so a command
     * holding a pooled connection would only hold it while waiting for its batch, and under load
     * such commands took every connection of the pool (measured: tracking processors and new
     * commands starved, saves refused UNAVAILABLE). A command that must hold something in the
     * database until its events are stored does so itself, until its unit of work is cleaned up.
     */
    @Bean(destroyMethod = "")
    @Qualifier("localSegment")
    SimpleCommandBus commandBus(
            Configuration axonConfiguration, DuplicateCommandHandlerResolver duplicateCommandHandlerResolver) {
        SimpleCommandBus commandBus = SimpleCommandBus.builder()
                .transactionManager(NoTransactionManager.INSTANCE)
                .duplicateCommandHandlerResolver(duplicateCommandHandlerResolver)
                .spanFactory(axonConfiguration.getComponent(CommandBusSpanFactory.class))
                .messageMonitor(axonConfiguration.messageMonitor(CommandBus.class, "commandBus"))
                .build();
        commandBus.registerHandlerInterceptor(
                new CorrelationDataInterceptor<>(axonConfiguration.correlationDataProviders()));
        return commandBus;
    }

    /** Axon's event store as its auto-configuration builds it, failing fast while the database is out of reach. */
    @Bean(name = "eventBus")
    @Qualifier("eventStore")
    EmbeddedEventStore eventStore(EventStorageEngine storageEngine, Configuration axonConfiguration) {
        return new OutageAwareEventStore(EmbeddedEventStore.builder()
                .storageEngine(storageEngine)
                .messageMonitor(axonConfiguration.messageMonitor(EventStore.class, "eventStore"))
                .spanFactory(axonConfiguration.getComponent(EventBusSpanFactory.class)));
    }

    /** Named by each aggregate's {@code @Aggregate(commandTargetResolver = ...)}. */
    @Bean
    CommandTargetResolver commandTargetResolver() {
        return new CachedCommandTargetResolver();
    }

    @Bean
    PersistenceExceptionResolver persistenceExceptionResolver() {
        return new PostgresDuplicateKeyResolver();
    }

    @Bean
    @Primary
    Serializer serializer(List<Module> serviceModules, ObjectProvider<PublishedEventNames> publishedNames) {
        return publishedNameSerializer(serviceModules, publishedNames);
    }

    @Bean
    @Qualifier("messageSerializer")
    Serializer messageSerializer(List<Module> serviceModules, ObjectProvider<PublishedEventNames> publishedNames) {
        return publishedNameSerializer(serviceModules, publishedNames);
    }

    @Bean
    @Qualifier("eventSerializer")
    Serializer eventSerializer(List<Module> serviceModules, ObjectProvider<PublishedEventNames> publishedNames) {
        return publishedNameSerializer(serviceModules, publishedNames);
    }

    private static Serializer publishedNameSerializer(
            List<Module> serviceModules, ObjectProvider<PublishedEventNames> publishedNames) {
        return new PublishedNameSerializer(
                JacksonSerializer.builder().objectMapper(AxonJackson.objectMapper(serviceModules)),
                publishedNames.orderedStream().toList());
    }

    /**
     * Group commit of appended events. The writers' connections are a pool of their own (one per
     * writer, counted in the database's connection budget beside the service's pool).
     */
    @Bean(destroyMethod = "close")
    GroupCommit groupCommit(
            DataSource dataSource,
            @Value("${amphi.event-store.append-writers:1}") int writers,
            @Value("${amphi.event-store.append-batch-max-events:1000}") int maxEventsPerBatch) {
        return new GroupCommit(
                () -> writersPool(dataSource, writers),
                hikari(dataSource) != null,
                EVENT_SCHEMA,
                new HashChain(),
                writers,
                maxEventsPerBatch,
                GroupCommit.LONGEST_WAIT);
    }

    /** A pool like the service's, sized to the writers; the service's own where it is not Hikari. */
    private static DataSource writersPool(DataSource dataSource, int writers) {
        HikariDataSource service = hikari(dataSource);
        if (service == null) {
            return dataSource;
        }
        HikariConfig config = new HikariConfig();
        service.copyStateTo(config);
        config.setPoolName(service.getPoolName() + "-event-writers");
        config.setMaximumPoolSize(writers);
        config.setMinimumIdle(writers);
        // While the database is out of reach, a command may have waited for the service's pool
        // already (to load its aggregate); the writers' own wait adds to it, so it is kept to a
        // quarter (Hikari's floor is 250 ms): a batch that cannot be written is answered fast.
        config.setConnectionTimeout(Math.max(250, service.getConnectionTimeout() / 4));
        // Hikari takes a metrics registry or a tracker factory, never both, and refuses to clear
        // the one while the other is set.
        if (config.getMetricsTrackerFactory() != null) {
            config.setMetricsTrackerFactory(null);
        } else {
            config.setMetricRegistry(null);
        }
        config.setHealthCheckRegistry(null);
        return new HikariDataSource(config);
    }

    /** The Hikari pool behind the service's data source, through any wrapper; null if there is none. */
    private static HikariDataSource hikari(DataSource dataSource) {
        try {
            return dataSource.isWrapperFor(HikariDataSource.class) ? dataSource.unwrap(HikariDataSource.class) : null;
        } catch (java.sql.SQLException e) {
            return null;
        }
    }

    @Bean
    EventStorageEngine eventStorageEngine(
            Serializer serializer,
            @Qualifier("eventSerializer") Serializer eventSerializer,
            PersistenceExceptionResolver persistenceExceptionResolver,
            ConnectionProvider connectionProvider,
            TransactionManager transactionManager,
            Configuration configuration,
            GroupCommit groupCommit) {
        JdbcEventStorageEngine.Builder builder = JdbcEventStorageEngine.builder()
                .schema(EVENT_SCHEMA)
                .dataType(byte[].class)
                .snapshotSerializer(serializer)
                .eventSerializer(eventSerializer)
                .upcasterChain(configuration.upcasterChain())
                .snapshotFilter(configuration.snapshotFilter())
                .persistenceExceptionResolver(persistenceExceptionResolver)
                .connectionProvider(connectionProvider)
                .transactionManager(transactionManager);
        return new DescriptiveJdbcEventStorageEngine(builder, persistenceExceptionResolver, groupCommit);
    }

    /**
     * Snapshots replayed from the store are taken on a thread of their own, never on the thread of
     * the command that triggered them: replaying measured a fifth of the command path's CPU (an
     * aggregate snapshotted from memory, {@link LiveSnapshots}, is only stored there). When the
     * thread falls behind, snapshots are skipped (the next trigger takes one), since a snapshot only
     * shortens loading.
     */
    @Bean(destroyMethod = "")
    SpringAggregateSnapshotter aggregateSnapshotter(
            Configuration configuration,
            HandlerDefinition handlerDefinition,
            ParameterResolverFactory parameterResolverFactory,
            EventStore eventStore,
            TransactionManager transactionManager,
            SnapshotterSpanFactory spanFactory,
            ThreadPoolExecutor snapshotExecutor) {
        return SpringAggregateSnapshotter.builder()
                .repositoryProvider(configuration::repository)
                .transactionManager(transactionManager)
                .eventStore(eventStore)
                .parameterResolverFactory(parameterResolverFactory)
                .handlerDefinition(handlerDefinition)
                .spanFactory(spanFactory)
                .executor(snapshotExecutor)
                .build();
    }

    @Bean(destroyMethod = "shutdown")
    ThreadPoolExecutor snapshotExecutor() {
        return new ThreadPoolExecutor(
                1,
                1,
                0,
                TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(10_000),
                Thread.ofPlatform().name("axon-snapshotter").daemon().factory(),
                new ThreadPoolExecutor.DiscardPolicy());
    }

    @Bean
    TokenStore tokenStore(Serializer serializer, ConnectionProvider connectionProvider) {
        return JdbcTokenStore.builder()
                .schema(TOKEN_SCHEMA)
                .contentType(byte[].class)
                .serializer(serializer)
                .connectionProvider(connectionProvider)
                .build();
    }
}
