package io.amphi.platform.axon;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.ResolvableDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.util.Map;
import org.axonframework.messaging.MetaData;

/**
 * Reads an event's metadata as Axon's own deserializer does, with the map deserializer looked up
 * once instead of for every event: each lookup built a new map and key deserializer, which
 * profiled as most of the cost of reading metadata (every streaming processor reads every event's
 * metadata for its correlation data).
 */
final class MetaDataJson extends StdDeserializer<MetaData> implements ResolvableDeserializer {

    private volatile JsonDeserializer<Object> map;

    private MetaDataJson() {
        super(MetaData.class);
    }

    /** A module to register after Axon's own, so this deserializer is the one found. */
    static SimpleModule module() {
        return new SimpleModule("amphi-metadata").addDeserializer(MetaData.class, new MetaDataJson());
    }

    @Override
    public void resolve(DeserializationContext context) throws JsonMappingException {
        map = context.findRootValueDeserializer(
                context.getTypeFactory().constructMapType(Map.class, String.class, Object.class));
    }

    @Override
    @SuppressWarnings("unchecked")
    public MetaData deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        return MetaData.from((Map<String, ?>) map.deserialize(parser, context));
    }

    /** Resolved once, so found once: Jackson keeps it. */
    @Override
    public boolean isCachable() {
        return true;
    }
}
