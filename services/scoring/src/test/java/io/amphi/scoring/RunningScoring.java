package io.amphi.scoring;

import com.zaxxer.hikari.HikariDataSource;
import io.amphi.delivery.RunningDelivery;
import io.amphi.platform.grpc.GrpcServerLifecycle;
import io.amphi.proto.scoring.v1.ScoringServiceGrpc;
import io.amphi.proto.scoring.v1.ScoringServiceGrpc.ScoringServiceBlockingStub;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The real scoring service beside a delivery under test: on delivery's database (they share the
 * event store), in its Hazelcast cluster, trusting its auth service, on the test's clock.
 */
public final class RunningScoring implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final ManagedChannel channel;

    private RunningScoring(ConfigurableApplicationContext context) {
        this.context = context;
        this.channel = NettyChannelBuilder.forAddress(
                        "127.0.0.1", context.getBean(GrpcServerLifecycle.class).port())
                .usePlaintext()
                .build();
    }

    /** @param settings more {@code --key=value} arguments */
    public static RunningScoring beside(RunningDelivery delivery, String... settings) {
        List<String> arguments = new ArrayList<>(List.of(
                "--amphi.grpc.port=0",
                "--spring.datasource.url="
                        + delivery.bean(HikariDataSource.class).getJdbcUrl(),
                "--amphi.hazelcast.cluster-name=" + delivery.clusterName(),
                "--amphi.auth.address=" + delivery.auth().address()));
        arguments.addAll(List.of(settings));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(ScoringApplication.class)
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton("clock", delivery.clock()))
                .run(arguments.toArray(String[]::new));
        return new RunningScoring(context);
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    public ScoringServiceBlockingStub withToken(String accessToken) {
        return RunningDelivery.withHeader(
                        ScoringServiceGrpc.newBlockingStub(channel), "authorization", "Bearer " + accessToken)
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        context.close();
    }
}
