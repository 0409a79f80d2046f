package io.amphi.platform.axon;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.List;

/**
 * The JSON mapping of everything Axon stores. Events are plain records written as readable JSON
 * (no class names inside), so an auditor can read the log with any JSON tool; services contribute
 * Jackson {@link Module}s for their polymorphic types.
 */
public final class AxonJackson {

    private AxonJackson() {}

    public static ObjectMapper objectMapper(List<? extends Module> serviceModules) {
        ObjectMapper mapper = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        serviceModules.forEach(mapper::registerModule);
        return mapper;
    }
}
