package io.inferstream.records;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * The type Flink sees for {@link TickInput}, through the class's {@code @TypeInfo}, wherever a
 * stream of ticks is made (the Kafka source, a user's own stream, the validation's output), so
 * the keyBy shuffle always writes ticks with {@link TickInputSerializer}.
 */
public final class TickInputTypeInfo extends TypeInformation<TickInput> {
    private static final long serialVersionUID = 1L;

    public static final TickInputTypeInfo INSTANCE = new TickInputTypeInfo();

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<TickInput> getTypeClass() {
        return TickInput.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<TickInput> createSerializer(SerializerConfig config) {
        return TickInputSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "TickInput";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TickInputTypeInfo;
    }

    @Override
    public int hashCode() {
        return TickInputTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object other) {
        return other instanceof TickInputTypeInfo;
    }

    /** Named by {@code @TypeInfo} on {@link TickInput}. */
    public static final class Factory extends TypeInfoFactory<TickInput> {
        @Override
        public TypeInformation<TickInput> createTypeInfo(Type type, Map<String, TypeInformation<?>> genericParameters) {
            return INSTANCE;
        }
    }
}
