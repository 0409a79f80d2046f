package io.amphi.platform.axon;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.json.JacksonSerializer;

/**
 * Jackson, with published events stored under their published names rather than their class
 * names, and read back by them: renaming or moving an event class changes nothing stored.
 * Everything else (snapshots, tokens, commands) keeps its class name. Metadata is read with
 * {@link MetaDataJson}, cheaper than Axon's own per event.
 */
final class PublishedNameSerializer extends JacksonSerializer {

    private final Map<Class<?>, String> names = new HashMap<>();
    private final Map<String, String> classNames = new HashMap<>();

    PublishedNameSerializer(Builder builder, List<PublishedEventNames> published) {
        super(builder);
        getObjectMapper().registerModule(MetaDataJson.module());
        for (PublishedEventNames set : published) {
            set.names().forEach((type, name) -> {
                String other = classNames.putIfAbsent(name, type.getName());
                if (other != null && !other.equals(type.getName())) {
                    throw new IllegalStateException(
                            "Two events are published as " + name + ": " + other + " and " + type.getName());
                }
                names.put(type, name);
            });
        }
    }

    @Override
    public SerializedType typeForClass(Class type) {
        String name = names.get(type);
        return name == null
                ? super.typeForClass(type)
                : new SimpleSerializedType(name, super.typeForClass(type).getRevision());
    }

    @Override
    protected String resolveClassName(SerializedType serializedType) {
        String className = classNames.get(serializedType.getName());
        return className != null ? className : super.resolveClassName(serializedType);
    }
}
