package io.amphi.platform.axon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import java.util.List;
import java.util.Map;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.Test;

/** An event class renamed keeps its stored name, and what was stored under it still reads; so does metadata. */
class PublishedNameSerializerTest {

    /** Stands for an event whose class was renamed after events were stored under its first name. */
    record ExamClosed(String examId) {}

    record NotPublished(String value) {}

    private static final String FIRST_NAME = "io.amphi.delivery.api.Events$ExamSealed";

    private final PublishedNameSerializer serializer = new PublishedNameSerializer(
            JacksonSerializer.builder().objectMapper(AxonJackson.objectMapper(List.of())),
            List.of(new PublishedEventNames(Map.of(ExamClosed.class, FIRST_NAME))));

    @Test
    void storesAnEventUnderItsPublishedName() {
        SerializedObject<byte[]> stored = serializer.serialize(new ExamClosed("edn-2026"), byte[].class);
        assertThat(stored.getType().getName()).isEqualTo(FIRST_NAME);
    }

    @Test
    void readsWhatWasStoredUnderThePublishedName() {
        byte[] payload = "{\"examId\":\"edn-2026\"}".getBytes();
        Object read = serializer.deserialize(
                new SimpleSerializedObject<>(payload, byte[].class, new SimpleSerializedType(FIRST_NAME, null)));
        assertThat(read).isEqualTo(new ExamClosed("edn-2026"));
    }

    @Test
    void anythingElseKeepsItsClassName() {
        assertThat(serializer
                        .serialize(new NotPublished("x"), byte[].class)
                        .getType()
                        .getName())
                .isEqualTo(NotPublished.class.getName());
    }

    @Test
    void metadataReadsBackAsWrittenThroughItsOwnDeserializer() throws Exception {
        MetaData written = MetaData.from(Map.of(
                "traceId", "7f0c", "attempt", 3, "flags", List.of(true, "late"), "origin", Map.of("replica", "a")));
        SerializedObject<byte[]> stored = serializer.serialize(written, byte[].class);

        MetaData read = serializer.deserialize(stored);
        assertThat(read).isEqualTo(written);
        assertThat(read).as("as Axon's own serializer reads it").isEqualTo((MetaData)
                JacksonSerializer.defaultSerializer().deserialize(stored));
        ObjectMapper mapper = serializer.getObjectMapper();
        DeserializationContext context = ((DefaultDeserializationContext) mapper.getDeserializationContext())
                .createInstance(mapper.getDeserializationConfig(), null, null);
        assertThat(context.findRootValueDeserializer(mapper.constructType(MetaData.class)))
                .isInstanceOf(MetaDataJson.class);
    }

    @Test
    void twoEventsUnderOneNameAreRefused() {
        assertThatThrownBy(() -> new PublishedNameSerializer(
                        JacksonSerializer.builder(),
                        List.of(
                                new PublishedEventNames(Map.of(ExamClosed.class, FIRST_NAME)),
                                new PublishedEventNames(Map.of(NotPublished.class, FIRST_NAME)))))
                .hasMessageContaining(FIRST_NAME);
    }
}
