package io.amphi.delivery.demo;

import com.zaxxer.hikari.HikariDataSource;
import io.amphi.delivery.catalog.JdbcExamCatalog;
import io.amphi.platform.grpc.GrpcServerLifecycle;
import java.nio.file.Path;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The demo exam, only when {@code amphi.demo.enabled} is true (the local profile). With
 * {@code amphi.demo.exam-file} set, that file is published and opened instead of the built-in demo.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "amphi.demo.enabled", havingValue = "true")
public class DemoConfiguration {

    @Bean
    DemoExam demoExam(JdbcExamCatalog catalog, GrpcServerLifecycle grpcServer, Clock clock, DataSource dataSource,
                      @Value("${amphi.demo.exam-file:#{null}}") Path examFile) {
        String url = dataSource instanceof HikariDataSource hikari ? hikari.getJdbcUrl() : dataSource.toString();
        return new DemoExam(catalog, grpcServer, clock, url, examFile);
    }
}
