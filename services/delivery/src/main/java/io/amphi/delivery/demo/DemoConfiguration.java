package io.amphi.delivery.demo;

import io.amphi.delivery.catalog.JdbcExamCatalog;
import io.amphi.platform.grpc.GrpcServerLifecycle;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The demo exam, only when {@code amphi.demo.enabled} is true (the local profile). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "amphi.demo.enabled", havingValue = "true")
public class DemoConfiguration {

    @Bean
    DemoExam demoExam(JdbcExamCatalog catalog, GrpcServerLifecycle grpcServer, Clock clock, DataSource dataSource) {
        String url = dataSource instanceof HikariDataSource hikari ? hikari.getJdbcUrl() : dataSource.toString();
        return new DemoExam(catalog, grpcServer, clock, url);
    }
}
