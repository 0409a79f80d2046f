package io.amphi.platform.grpc;

import io.grpc.BindableService;
import java.util.List;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** Every service gets one gRPC server exposing its {@link BindableService} beans. */
@AutoConfiguration
@EnableConfigurationProperties(GrpcServerProperties.class)
public class GrpcAutoConfiguration {

    @Bean
    GrpcServerLifecycle grpcServer(GrpcServerProperties properties, List<BindableService> services) {
        // The last interceptor runs first: errors are mapped around everything, identity is read inside.
        return new GrpcServerLifecycle(properties, services,
                List.of(new CallerInterceptor(), new ErrorMappingInterceptor()));
    }
}
